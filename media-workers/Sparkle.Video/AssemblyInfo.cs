namespace Sparkle.Video;
