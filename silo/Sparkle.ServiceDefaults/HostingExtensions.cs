using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Sparkle.ServiceDefaults;

public static class HostingExtensions
{
    /// <summary>Reads the cluster options: section "Cluster", with SPARKLE_PG overriding the connection string.</summary>
    public static SparkleClusterOptions GetClusterOptions(this IConfiguration configuration)
    {
        var options = new SparkleClusterOptions();
        configuration.GetSection(SparkleClusterOptions.Section).Bind(options);
        if (configuration["SPARKLE_PG"] is { Length: > 0 } pg)
        {
            options.ConnectionString = pg;
        }
        return options;
    }

    /// <summary>Makes this process an Orleans client of the Sparkle cluster, finding gateways through the
    /// ADO.NET membership table on PostgreSQL.</summary>
    public static IHostApplicationBuilder AddSparkleClusterClient(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetClusterOptions();
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = SparkleClusterOptions.Invariant;
                o.ConnectionString = cluster.ConnectionString;
            });
            // Learn of silos that joined since we started within seconds (the default is a minute), so a
            // silo's restart finds the others already known.
            client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            // The caller's trace context travels with every grain call (spans are made only when traced).
            client.AddActivityPropagation();
        });
        return builder;
    }
}
