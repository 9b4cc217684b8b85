using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Tests.Tenants;

/// <summary>Dial-out patterns cannot be used to burn silo CPU: bounded in count and length, and matched by the
/// non-backtracking engine (the edge review's regex finding).</summary>
public sealed class DialOutPatternsTests
{
    [Fact]
    public void TooManyOrTooLongPatternsAreRefused()
    {
        Assert.Null(DialOutPatterns.Problem(Enumerable.Repeat("^\\+49", DialOutPatterns.MaxCount).ToList()));
        Assert.Contains("At most", DialOutPatterns.Problem(Enumerable.Repeat("^\\+49", DialOutPatterns.MaxCount + 1).ToList()));
        Assert.Contains("characters", DialOutPatterns.Problem([new string('1', DialOutPatterns.MaxLength + 1)]));
        Assert.Contains("characters", DialOutPatterns.Problem([""]));
    }

    [Theory]
    [InlineData("(\\d)\\1")] // backreference
    [InlineData("^(?=\\+49)")] // lookahead
    [InlineData("[unclosed")]
    public void PatternsTheLinearEngineCannotRunAreRefused(string pattern) =>
        Assert.NotNull(DialOutPatterns.Problem([pattern]));

    [Fact]
    public void ACatastrophicPatternForTheBacktrackerMatchesInLinearTime()
    {
        // (a+)+$ against a long run of a's ending in b takes exponential time with backtracking; here it simply
        // answers (a hang would fail this test by the runner's timeout).
        var pattern = "^(1+)+$";
        Assert.Null(DialOutPatterns.Problem([pattern]));
        Assert.False(DialOutPatterns.Allow(new string('1', 50_000) + "x", [pattern]));
        Assert.True(DialOutPatterns.Allow("111", [pattern]));
    }

    [Fact]
    public void AnEmptyListAllowsAnyNumberAndOtherwiseOneMatchIsEnough()
    {
        Assert.True(DialOutPatterns.Allow("+4930123", []));
        Assert.True(DialOutPatterns.Allow("+4930123", ["^\\+33", "^\\+49"]));
        Assert.False(DialOutPatterns.Allow("+9001234", ["^\\+33", "^\\+49"]));
    }
}
