namespace Dcnet.Design;

/// <summary>The YAML key a design property binds to (kebab-case, as users write it).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class KeyAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>One sentence for the design-file reference and the JSON Schema description.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class | AttributeTargets.Field | AttributeTargets.Enum)]
public sealed class DocAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

/// <summary>The key must be present.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

/// <summary>Inclusive bounds for an integer key, with the reason for the limit.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute(long min, long max) : Attribute
{
    public long Min { get; } = min;

    public long Max { get; } = max;

    /// <summary>Why the limit exists; shown in the error when a value is outside it.</summary>
    public string? Why { get; init; }
}

/// <summary>The spelling of an enum member in YAML.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class TokenAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

/// <summary>Most items a list key may hold.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxItemsAttribute(int max) : Attribute
{
    public int Max { get; } = max;
}
