using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Checks;

/// <summary>The result of checking one design: the network it resolved to and every finding.</summary>
public sealed class CheckReport
{
    public CheckReport(Network network, IReadOnlyList<Finding> findings)
    {
        Network = network;
        Findings = findings;
    }

    public Network Network { get; }

    public DesignDocument Design => Network.Design;

    public IReadOnlyList<Finding> Findings { get; }

    public int Count(Severity severity) => Findings.Count(f => f.Severity == severity);

    /// <summary>0 when no finding is at or above <paramref name="failOn"/>, else 1.</summary>
    public int ExitCode(Severity failOn) => Findings.Any(f => f.Severity >= failOn) ? 1 : 0;

    /// <summary>Loads, resolves and checks a design file. Throws <see cref="DesignException"/> on bad input.</summary>
    public static CheckReport Run(string path, string? displayName = null) => Run(DesignLoader.Load(path, displayName));

    public static CheckReport Run(DesignDocument design)
    {
        var network = Resolver.Resolve(design);
        return new CheckReport(network, CheckRegistry.Run(network));
    }
}
