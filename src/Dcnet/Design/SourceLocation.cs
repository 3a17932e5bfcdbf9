using System.Globalization;

namespace Dcnet.Design;

/// <summary>A position in a design file: 1-based line and column, as editors count them.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <summary>The location used when nothing better is known: the start of the file.</summary>
    public static SourceLocation StartOf(string file) => new(file, 1, 1);

    /// <summary>True when this location points into a file (not the default value).</summary>
    public bool IsKnown => File is not null && Line > 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}");
}

/// <summary>One thing wrong with a design file, with where it is and what was expected.</summary>
public sealed record DesignError(SourceLocation Location, string Message, string? Expected = null)
{
    /// <summary>Formats as <c>file:line:col: message (expected ...)</c>.</summary>
    public override string ToString() =>
        Expected is null ? $"{Location}: {Message}" : $"{Location}: {Message} (expected {Expected})";
}

/// <summary>
/// Thrown when a design cannot be loaded or resolved. It carries every error found, not just the first,
/// so that one run shows the user everything to fix.
/// </summary>
public sealed class DesignException : Exception
{
    public DesignException(IReadOnlyList<DesignError> errors)
        : base(errors.Count == 0 ? "invalid design" : string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public DesignException(DesignError error) : this([error]) { }

    public DesignException() : this([]) { }

    public DesignException(string message) : base(message) { Errors = []; }

    public DesignException(string message, Exception inner) : base(message, inner) { Errors = []; }

    /// <summary>Every error, in file order.</summary>
    public IReadOnlyList<DesignError> Errors { get; }
}
