using Sparkle.Grains.Listings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

public sealed class MeetingOrderType() : WireEnumType<MeetingOrder>("MeetingOrder", "How a meeting list is sorted (created_desc: newest first).");
