namespace Sparkle.GraphQL.Tests;

public sealed record ReceivedWebhook(string Path, string EventType, string Signature, string DeliveryId, string Body, int AnsweredWith);
