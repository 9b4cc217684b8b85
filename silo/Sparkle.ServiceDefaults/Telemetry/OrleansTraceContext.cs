using System.Diagnostics;

namespace Sparkle.ServiceDefaults.Telemetry;

/// <summary>The caller's trace context as Orleans carries it in the request context ("traceparent",
/// "tracestate"). Orleans' client has no incoming call filter, so an observer (the media worker, called
/// by a grain) reads the context here to make its span a child of the grain call.</summary>
public static class OrleansTraceContext
{
    /// <summary>The context of the grain call being served; else the current activity's; else default (a root span).</summary>
    public static ActivityContext FromRequestContext()
    {
        DistributedContextPropagator.Current.ExtractTraceIdAndState(null,
            static (object? _, string name, out string? value, out IEnumerable<string>? values) =>
            {
                value = Orleans.Runtime.RequestContext.Get(name) as string;
                values = null;
            },
            out var traceParent, out var traceState);
        if (ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context))
        {
            return context;
        }
        return Activity.Current?.Context ?? default;
    }
}
