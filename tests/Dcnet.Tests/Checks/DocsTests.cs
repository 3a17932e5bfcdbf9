using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Checks;

/// <summary>The generated documents in docs/ match the code; regenerate them with the commands in each message.</summary>
public class DocsTests
{
    [Fact]
    public void Checks_md_is_generated_from_the_registry() =>
        Assert.True(Repo.Read("docs", "checks.md") == ChecksReference.Markdown(), "docs/checks.md is stale: run ./dcnet docs checks -o docs/checks.md");

    [Fact]
    public void Design_file_md_is_generated_from_the_design_records() =>
        Assert.True(Repo.Read("docs", "design-file.md") == DesignSchema.MarkdownReference(DesignExamples.Reference), "docs/design-file.md is stale: run ./dcnet docs design-file -o docs/design-file.md");

    [Fact]
    public void Design_schema_json_is_generated_from_the_design_records() =>
        Assert.True(Repo.Read("docs", "design.schema.json") == DesignSchema.JsonSchema(), "docs/design.schema.json is stale: run ./dcnet schema -o docs/design.schema.json");

    [Fact]
    public void Every_rule_has_a_unique_id_a_title_a_rationale_and_a_fix()
    {
        var rules = CheckRegistry.Rules;
        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
        Assert.All(rules, r =>
        {
            Assert.Matches("^[A-Z]+[0-9]{3}$", r.Id);
            Assert.False(string.IsNullOrWhiteSpace(r.Title) || string.IsNullOrWhiteSpace(r.Rationale) || string.IsNullOrWhiteSpace(r.Fix));
        });
    }

    [Fact]
    public void The_reference_example_loads_and_checks_without_errors() =>
        Assert.DoesNotContain(CheckReport.Run(DesignLoader.Parse(DesignExamples.Reference)).Findings, f => f.Severity == Severity.Error);
}
