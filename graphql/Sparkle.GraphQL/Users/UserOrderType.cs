using Sparkle.Grains.Listings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Users;

public sealed class UserOrderType() : WireEnumType<UserOrder>("UserOrder", "How a user list is sorted (number_asc: by number, ordinal).");
