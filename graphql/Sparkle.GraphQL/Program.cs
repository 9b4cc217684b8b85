using Sparkle.GraphQL.Hosting;

var app = SparkleApiHost.Create(args);
await app.RunAsync();
