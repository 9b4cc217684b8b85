namespace Sparkle.Client;

public enum LayoutMode { Fixed, Automatic }
