using Dcnet.Design;
using Dcnet.Tests.Support;
using NJsonSchema;

namespace Dcnet.Tests.Design;

/// <summary>The published JSON Schema accepts what the loader accepts and rejects typos the loader rejects.</summary>
public class SchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromJsonAsync(DesignSchema.JsonSchema()).GetAwaiter().GetResult());

    public static TheoryData<string> Examples() => new(Directory.GetFiles(Repo.Path("examples"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Examples_validate_against_the_schema(string file)
    {
        var json = YamlJson.Convert(Repo.Read("examples", file))!.ToJsonString();
        var errors = Schema.Value.Validate(json);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Examples_carry_the_yaml_language_server_line(string file) =>
        Assert.StartsWith("# yaml-language-server: $schema=../docs/design.schema.json\n", Repo.Read("examples", file), StringComparison.Ordinal);

    [Fact]
    public void The_schema_rejects_an_unknown_key_and_a_reserved_vlan()
    {
        var json = YamlJson.Convert(Designs.Minimal.Replace("platform: linux", "platform: linux\nfabric: { spine: 2 }", StringComparison.Ordinal).Replace("vlan: 10", "vlan: 4095", StringComparison.Ordinal))!.ToJsonString();
        var kinds = Schema.Value.Validate(json).Select(e => e.Kind.ToString()).ToList();
        Assert.Contains("NoAdditionalPropertiesAllowed", kinds);
    }

    [Fact]
    public void The_schema_and_the_loader_agree_on_the_reference_example() =>
        Assert.Empty(Schema.Value.Validate(YamlJson.Convert(DesignExamples.Reference)!.ToJsonString()));
}
