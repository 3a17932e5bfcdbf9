using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Dcnet.Design;
using Dcnet.Reporting;

namespace Dcnet.Checks;

/// <summary>Text, JSON and SARIF views of a <see cref="CheckReport"/>.</summary>
public static class FindingFormatter
{
    public const string ToolName = "dcnet";
    public const string InformationUri = "https://github.com/dcnet/dcnet";

    public static string Token(Severity s) => DesignBinder.EnumTokens.Of(typeof(Severity)).ToToken[s];

    public static string Token(Foundation f) => DesignBinder.EnumTokens.Of(typeof(Foundation)).ToToken[f];

    public static string Title(Foundation f) => typeof(Foundation).GetField(f.ToString())!
        .GetCustomAttributes(typeof(DocAttribute), false).Cast<DocAttribute>().First().Text;

    /// <summary>One line about the design, for the head of reports.</summary>
    public static string Headline(CheckReport r)
    {
        var n = r.Network;
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.Design.SourcePath}: {r.Design.Name} ({Platforms.PlatformNames.Display(r.Design.Platform)}): {n.Spines.Count} spines, {n.Leaves.Count} leaves, {n.Hosts.Count:N0} hosts, {n.Vms.Count:N0} VMs in {n.Groups.Count:N0} groups, {n.Segments.Count} networks");
    }

    /// <summary>The summary line: counts per severity and the exit status it implies.</summary>
    public static string Summary(CheckReport r, Severity failOn)
    {
        int e = r.Count(Severity.Error), w = r.Count(Severity.Warning), i = r.Count(Severity.Info);
        int rules = CheckRegistry.Rules.Count;
        string counts = string.Create(CultureInfo.InvariantCulture, $"{e} {Plural(e, "error")}, {w} {Plural(w, "warning")}, {i} info");
        return string.Create(CultureInfo.InvariantCulture, $"{counts} from {rules} rules; fail-on {Token(failOn)}: exit {r.ExitCode(failOn)}");
    }

    private static string Plural(int n, string word) => n == 1 ? word : word + "s";

    public static string Text(CheckReport r, Severity failOn)
    {
        var sb = new StringBuilder();
        sb.Append(Headline(r)).Append('\n');
        foreach (var group in r.Findings.GroupBy(f => f.Rule.Foundation))
        {
            sb.Append('\n').Append(Title(group.Key)).Append('\n');
            foreach (var f in group)
            {
                sb.Append("  ").Append(Token(f.Severity).PadRight(8)).Append(f.Id).Append("  ").Append(f.Location.ToString()).Append('\n');
                sb.Append("          ").Append(f.Message).Append('\n');
                sb.Append("          fix: ").Append(f.FixText).Append('\n');
            }
        }

        if (r.Findings.Count == 0)
        {
            sb.Append("\nNo findings.\n");
        }

        sb.Append('\n').Append(Summary(r, failOn)).Append('\n');
        return sb.ToString();
    }

    public static string Json(CheckReport r, Severity failOn)
    {
        var dto = new CheckJson
        {
            Design = r.Design.SourcePath,
            Name = r.Design.Name,
            Summary = new SummaryJson
            {
                Errors = r.Count(Severity.Error),
                Warnings = r.Count(Severity.Warning),
                Infos = r.Count(Severity.Info),
                FailOn = Token(failOn),
                ExitCode = r.ExitCode(failOn),
            },
            Findings = r.Findings.Select(f => new FindingJson
            {
                Id = f.Id,
                Severity = Token(f.Severity),
                Foundation = Token(f.Rule.Foundation),
                Title = f.Rule.Title,
                Message = f.Message,
                Objects = f.Objects,
                Location = new LocationJson { File = f.Location.File, Line = f.Location.Line, Column = f.Location.Column },
                Fix = f.FixText,
            }).ToList(),
        };
        return JsonOutput.Serialize(dto, CheckJsonContext.Default.CheckJson);
    }

    /// <summary>SARIF 2.1.0 with the design file as the artifact, so CI shows findings inline.</summary>
    public static string Sarif(CheckReport r)
    {
        var rules = CheckRegistry.Rules;
        var index = rules.Select((rule, i) => (rule.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        string uri = ArtifactUri(r.Design.SourcePath);
        var log = new SarifLog
        {
            Runs =
            [
                new SarifRun
                {
                    Tool = new SarifTool
                    {
                        Driver = new SarifDriver
                        {
                            Name = ToolName,
                            InformationUri = InformationUri,
                            Version = Version,
                            Rules = rules.Select(rule => new SarifRule
                            {
                                Id = rule.Id,
                                Name = rule.Title,
                                ShortDescription = new SarifMessage { Text = rule.Title },
                                FullDescription = new SarifMessage { Text = rule.Rationale },
                                Help = new SarifMessage { Text = "Fix: " + rule.Fix },
                                DefaultConfiguration = new SarifConfiguration { Level = Level(rule.Severity) },
                                Properties = new SarifRuleProperties { Foundation = Token(rule.Foundation) },
                            }).ToList(),
                        },
                    },
                    Artifacts = [new SarifArtifact { Location = new SarifArtifactLocation { Uri = uri } }],
                    Results = r.Findings.Select(f => new SarifResult
                    {
                        RuleId = f.Id,
                        RuleIndex = index[f.Id],
                        Level = Level(f.Severity),
                        Message = new SarifMessage { Text = f.Message + " Fix: " + f.FixText },
                        Locations =
                        [
                            new SarifLocation
                            {
                                PhysicalLocation = new SarifPhysicalLocation
                                {
                                    ArtifactLocation = new SarifArtifactLocation { Uri = uri, Index = 0 },
                                    Region = new SarifRegion { StartLine = Math.Max(1, f.Location.Line), StartColumn = Math.Max(1, f.Location.Column) },
                                },
                            },
                        ],
                    }).ToList(),
                },
            ],
        };
        return JsonOutput.Serialize(log, CheckJsonContext.Default.SarifLog);
    }

    /// <summary>The tool version, from the assembly's informational version.</summary>
    public static string Version =>
        typeof(FindingFormatter).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static string Level(Severity s) => s switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };

    /// <summary>A relative URI reference for the design path, with forward slashes and percent-encoding.</summary>
    private static string ArtifactUri(string path)
    {
        string p = path.Replace('\\', '/');
        return string.Join('/', p.Split('/').Select(Uri.EscapeDataString));
    }
}

#pragma warning disable CS1591
public sealed class CheckJson
{
    public required string Design { get; init; }

    public required string Name { get; init; }

    public required SummaryJson Summary { get; init; }

    public required IReadOnlyList<FindingJson> Findings { get; init; }
}

public sealed class SummaryJson
{
    public int Errors { get; init; }

    public int Warnings { get; init; }

    public int Infos { get; init; }

    public required string FailOn { get; init; }

    public int ExitCode { get; init; }
}

public sealed class FindingJson
{
    public required string Id { get; init; }

    public required string Severity { get; init; }

    public required string Foundation { get; init; }

    public required string Title { get; init; }

    public required string Message { get; init; }

    public required IReadOnlyList<string> Objects { get; init; }

    public required LocationJson Location { get; init; }

    public required string Fix { get; init; }
}

public sealed class LocationJson
{
    public required string File { get; init; }

    public int Line { get; init; }

    public int Column { get; init; }
}

public sealed class SarifLog
{
    [JsonPropertyName("$schema")]
    public string Schema { get; init; } = "https://json.schemastore.org/sarif-2.1.0.json";

    public string Version { get; init; } = "2.1.0";

    public required IReadOnlyList<SarifRun> Runs { get; init; }
}

public sealed class SarifRun
{
    public required SarifTool Tool { get; init; }

    public required IReadOnlyList<SarifArtifact> Artifacts { get; init; }

    public required IReadOnlyList<SarifResult> Results { get; init; }
}

public sealed class SarifTool
{
    public required SarifDriver Driver { get; init; }
}

public sealed class SarifDriver
{
    public required string Name { get; init; }

    public required string InformationUri { get; init; }

    public required string Version { get; init; }

    public required IReadOnlyList<SarifRule> Rules { get; init; }
}

public sealed class SarifRule
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required SarifMessage ShortDescription { get; init; }

    public required SarifMessage FullDescription { get; init; }

    public required SarifMessage Help { get; init; }

    public required SarifConfiguration DefaultConfiguration { get; init; }

    public required SarifRuleProperties Properties { get; init; }
}

public sealed class SarifRuleProperties
{
    public required string Foundation { get; init; }
}

public sealed class SarifConfiguration
{
    public required string Level { get; init; }
}

public sealed class SarifMessage
{
    public required string Text { get; init; }
}

public sealed class SarifArtifact
{
    public required SarifArtifactLocation Location { get; init; }
}

public sealed class SarifArtifactLocation
{
    public required string Uri { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Index { get; init; }
}

public sealed class SarifResult
{
    public required string RuleId { get; init; }

    public int RuleIndex { get; init; }

    public required string Level { get; init; }

    public required SarifMessage Message { get; init; }

    public required IReadOnlyList<SarifLocation> Locations { get; init; }
}

public sealed class SarifLocation
{
    public required SarifPhysicalLocation PhysicalLocation { get; init; }
}

public sealed class SarifPhysicalLocation
{
    public required SarifArtifactLocation ArtifactLocation { get; init; }

    public required SarifRegion Region { get; init; }
}

public sealed class SarifRegion
{
    public int StartLine { get; init; }

    public int StartColumn { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CheckJson))]
[JsonSerializable(typeof(SarifLog))]
internal sealed partial class CheckJsonContext : JsonSerializerContext;
#pragma warning restore CS1591
