using System.Diagnostics;
using System.Security.Cryptography;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Tests.Design.Fuzz;

/// <summary>
/// What must hold for any input: the whole pipeline (load, resolve, check, inventory) either succeeds, or throws a
/// <see cref="DesignException"/> whose errors each point at a line and column inside the file. Nothing else escapes,
/// nothing takes long, memory stays bounded.
/// </summary>
public static class FuzzOracle
{
    public const string DisplayName = "fuzz.yaml";

    /// <summary>Longest any single input may take; a hang shows up as a failure naming the input.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(20);

    /// <summary>Managed memory the process may hold after an input.</summary>
    public const long MemoryLimitBytes = 1536L * 1024 * 1024;

    /// <summary>Returns null when the input is handled correctly, else what went wrong.</summary>
    public static string? Violation(byte[] input)
    {
        var sw = Stopwatch.StartNew();
        string? problem = null;
        try
        {
            var network = Resolver.Resolve(DesignLoader.Parse(input, DisplayName));
            _ = CheckRegistry.Run(network);
            _ = Inventory.Json(network);
        }
        catch (DesignException e)
        {
            problem = CheckPositions(input, e);
        }
        catch (Exception e)
        {
            problem = "unexpected " + e.GetType().Name + ": " + e.Message + "\n" + e.StackTrace;
        }

        if (problem is null && sw.Elapsed > TimeLimit)
        {
            problem = $"took {sw.Elapsed.TotalSeconds:0.0} s (limit {TimeLimit.TotalSeconds} s)";
        }

        if (problem is null && GC.GetTotalMemory(false) > MemoryLimitBytes)
        {
            long after = GC.GetTotalMemory(true);
            if (after > MemoryLimitBytes)
            {
                problem = $"holds {after / (1024 * 1024)} MB after the input";
            }
        }

        return problem;
    }

    private static string? CheckPositions(byte[] input, DesignException e)
    {
        if (e.Errors.Count == 0)
        {
            return "a DesignException without errors: " + e.Message;
        }

        // Lines as the reader counts them: the decoded text split on LF.
        string text = System.Text.Encoding.UTF8.GetString(input);
        var lines = text.Split('\n');
        foreach (var err in e.Errors)
        {
            var l = err.Location;
            if (l.File != DisplayName || l.Line < 1 || l.Line > lines.Length || l.Column < 1 || l.Column > lines[l.Line - 1].Length + 1)
            {
                return $"error outside the file ({lines.Length} lines): {err}";
            }

            if (string.IsNullOrWhiteSpace(err.Message) || string.IsNullOrWhiteSpace(err.Expected))
            {
                return "error without a message or an expectation: " + err;
            }
        }

        return null;
    }

    /// <summary>Saves a failing input as a regression fixture and returns its repository path.</summary>
    public static string SaveRegression(byte[] input, string why)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(input))[..16];
        string rel = $"tests/Dcnet.Tests/Design/Fixtures/fuzz-regressions/{hash}.yaml";
        string path = Repo.Path(rel);
        File.WriteAllBytes(path, input);
        File.WriteAllText(Path.ChangeExtension(path, ".why"), why + "\n");
        return rel;
    }
}
