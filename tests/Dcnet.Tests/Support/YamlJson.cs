using System.Globalization;
using System.Text.Json.Nodes;
using Dcnet.Design;

namespace Dcnet.Tests.Support;

/// <summary>YAML to JSON with typed scalars (plain integers and booleans keep their types), for schema validation.</summary>
public static class YamlJson
{
    public static JsonNode? Convert(string yaml)
    {
        var errors = new List<DesignError>();
        var root = YamlTreeReader.ReadText(yaml, "x.yaml", errors);
        Assert.Empty(errors);
        return Convert(root!);
    }

    public static JsonNode? Convert(YNode node) => node switch
    {
        YMapping m => new JsonObject(m.Entries.Select(e => KeyValuePair.Create(e.Key.Value, Convert(e.Value)))),
        YSequence s => new JsonArray(s.Items.Select(Convert).ToArray()),
        YScalar { IsNull: true } => null,
        YScalar { IsPlain: true, Value: "true" or "false" } b => JsonValue.Create(b.Value == "true"),
        YScalar { IsPlain: true } n when long.TryParse(n.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) => JsonValue.Create(l),
        YScalar s => JsonValue.Create(s.Value),
        _ => throw new InvalidOperationException(),
    };
}
