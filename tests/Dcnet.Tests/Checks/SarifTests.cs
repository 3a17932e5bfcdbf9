using System.Text.Json;
using Dcnet.Checks;
using Dcnet.Tests.Support;
using NJsonSchema;

namespace Dcnet.Tests.Checks;

/// <summary>SARIF output validates against the OASIS SARIF 2.1.0 schema and points at the design's lines.</summary>
public class SarifTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromFileAsync(Repo.Shared("schemas", "sarif-schema-2.1.0.json")).GetAwaiter().GetResult());

    private static CheckReport ReportWithFindings() => CheckReport.Run(Designs.Parse(
        Designs.Minimal.Replace("ipv4: 10.1.0.0/24", "ipv4: 10.1.0.0/29", StringComparison.Ordinal)
            .Replace("  - { name: tenant", "  - { name: other, kind: host-vlan, role: storage, vlan: 10 }\n  - { name: tenant", StringComparison.Ordinal),
        "designs/my dc.yaml"));

    [Fact]
    public void Sarif_with_findings_validates_against_the_2_1_0_schema()
    {
        string sarif = FindingFormatter.Sarif(ReportWithFindings());
        var errors = Schema.Value.Validate(sarif);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public void Sarif_without_findings_validates_too()
    {
        string sarif = FindingFormatter.Sarif(CheckReport.Run(Repo.Path("examples", "lab-small.yaml"), "examples/lab-small.yaml"));
        Assert.Empty(Schema.Value.Validate(sarif));
    }

    [Fact]
    public void Results_point_at_the_design_file_line_and_column()
    {
        using var doc = JsonDocument.Parse(FindingFormatter.Sarif(ReportWithFindings()));
        var run = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal("designs/my%20dc.yaml", run.GetProperty("artifacts")[0].GetProperty("location").GetProperty("uri").GetString());
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["ADDR001", "VLAN001", "MTU004"], results.Select(r => r.GetProperty("ruleId").GetString()));
        var region = results[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        Assert.Equal((12, 42), (region.GetProperty("startLine").GetInt32(), region.GetProperty("startColumn").GetInt32()));
        Assert.Equal("error", results[0].GetProperty("level").GetString());
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal("ADDR001", rules[results[0].GetProperty("ruleIndex").GetInt32()]);
    }
}
