namespace Dcnet.Design;

/// <summary>
/// Loads a design file: YAML with positions, binding to the design records, then the cross-field rules.
/// Errors of each stage are collected; the loader stops at the first stage that found any.
/// </summary>
public static class DesignLoader
{
    /// <summary>Loads and validates a design, or throws <see cref="DesignException"/> with every error found.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="displayName">The name errors use; defaults to <paramref name="path"/> as given.</param>
    public static DesignDocument Load(string path, string? displayName = null)
    {
        var errors = new List<DesignError>();
        string name = displayName ?? path;
        var root = YamlTreeReader.ReadFile(path, name, errors);
        return Finish(root, name, errors);
    }

    /// <summary>Loads a design from text (tests, generated designs).</summary>
    public static DesignDocument Parse(string yaml, string displayName = "design.yaml")
    {
        var errors = new List<DesignError>();
        var root = YamlTreeReader.ReadText(yaml, displayName, errors);
        return Finish(root, displayName, errors);
    }

    /// <summary>Loads a design from raw bytes, decoding strict UTF-8.</summary>
    public static DesignDocument Parse(ReadOnlySpan<byte> yaml, string displayName = "design.yaml")
    {
        var errors = new List<DesignError>();
        var root = YamlTreeReader.ReadBytes(yaml, displayName, errors);
        return Finish(root, displayName, errors);
    }

    private static DesignDocument Finish(YNode? root, string name, List<DesignError> errors)
    {
        if (root is null || errors.Count > 0)
        {
            throw Fail(errors);
        }

        var design = DesignBinder.Bind(root, errors);
        if (design is null || errors.Count > 0)
        {
            throw Fail(errors);
        }

        DesignValidator.Validate(design, errors);
        if (errors.Count > 0)
        {
            throw Fail(errors);
        }

        return design with { SourcePath = name };
    }

    private static DesignException Fail(List<DesignError> errors) =>
        new(errors.OrderBy(e => e.Location.Line).ThenBy(e => e.Location.Column).ToList());
}
