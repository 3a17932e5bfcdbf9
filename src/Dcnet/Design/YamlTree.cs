using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dcnet.Design;

/// <summary>A YAML node with the position where it starts. The tree is built from parser events, never from YamlDotNet's object model.</summary>
public abstract class YNode
{
    protected YNode(SourceLocation location) => Location = location;

    public SourceLocation Location { get; }

    /// <summary>Number of nodes in this subtree with aliases counted as expanded: what a naive reader would build.</summary>
    internal long ExpandedWeight { get; set; } = 1;

    /// <summary>The YAML kind as users see it, for messages: "a mapping", "a list", "a string".</summary>
    public abstract string KindName { get; }
}

/// <summary>A YAML scalar and its style: a plain scalar may be a number or a boolean, a quoted one is always text.</summary>
public sealed class YScalar(SourceLocation location, string value, bool isPlain) : YNode(location)
{
    public string Value { get; } = value;

    public bool IsPlain { get; } = isPlain;

    /// <summary>True for a plain <c>null</c>, <c>~</c> or an empty plain scalar.</summary>
    public bool IsNull => IsPlain && (Value.Length == 0 || Value == "~" || Value == "null" || Value == "Null" || Value == "NULL");

    public override string KindName => IsNull ? "null" : IsPlain && LooksNumeric ? "a number" : IsPlain && (Value is "true" or "false") ? "a boolean" : "a string";

    private bool LooksNumeric => Value.Length > 0 && (char.IsAsciiDigit(Value[0]) || (Value[0] is '-' or '+' && Value.Length > 1 && char.IsAsciiDigit(Value[1])));
}

/// <summary>A YAML mapping with scalar keys, in document order.</summary>
public sealed class YMapping(SourceLocation location) : YNode(location)
{
    public List<KeyValuePair<YScalar, YNode>> Entries { get; } = [];

    public override string KindName => "a mapping";
}

/// <summary>A YAML sequence.</summary>
public sealed class YSequence(SourceLocation location) : YNode(location)
{
    public List<YNode> Items { get; } = [];

    public override string KindName => "a list";
}

/// <summary>
/// Reads one YAML document into a <see cref="YNode"/> tree with positions. It enforces the resource limits that keep a
/// hostile file from eating the machine: nesting depth, and the node count with aliases expanded ("billion laughs"),
/// which is counted without ever expanding anything.
/// </summary>
public static class YamlTreeReader
{
    /// <summary>Deepest nesting of mappings and lists accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes a document may hold when every alias is expanded.</summary>
    public const long MaxExpandedNodes = 1_000_000;

    /// <summary>Largest design file accepted, in bytes.</summary>
    public const long MaxFileBytes = 16L * 1024 * 1024;

    /// <summary>Reads the file, decoding strict UTF-8. Problems come back as positioned errors, never as exceptions.</summary>
    public static YNode? ReadFile(string path, string displayName, List<DesignError> errors)
    {
        var start = SourceLocation.StartOf(displayName);
        byte[] bytes;
        try
        {
            if (Directory.Exists(path))
            {
                errors.Add(new DesignError(start, $"'{path}' is a directory", "a YAML design file"));
                return null;
            }

            if (!File.Exists(path))
            {
                errors.Add(new DesignError(start, $"cannot read '{path}': no such file", "a path to a YAML design file"));
                return null;
            }

            var info = new FileInfo(path);
            if (info.Length > MaxFileBytes)
            {
                errors.Add(new DesignError(start, string.Create(CultureInfo.InvariantCulture, $"the file is {info.Length} bytes, over the limit of {MaxFileBytes} bytes"), "a design file under 16 MiB; designs describe counts and patterns, not every VM"));
                return null;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new DesignError(start, $"cannot read '{path}': {e.Message}", "a readable YAML design file"));
            return null;
        }

        return ReadBytes(bytes, displayName, errors);
    }

    /// <summary>Decodes strict UTF-8 (with or without BOM), then parses.</summary>
    public static YNode? ReadBytes(ReadOnlySpan<byte> bytes, string displayName, List<DesignError> errors)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        int bad = FirstInvalidUtf8(bytes);
        if (bad >= 0)
        {
            var (line, col) = LineColumnOfByte(bytes, bad);
            errors.Add(new DesignError(new SourceLocation(displayName, line, col), string.Create(CultureInfo.InvariantCulture, $"byte 0x{bytes[bad]:x2} is not valid UTF-8"), "a UTF-8 text file"));
            return null;
        }

        return ReadText(Encoding.UTF8.GetString(bytes), displayName, errors);
    }

    /// <summary>Parses YAML text. Returns null when there were errors (they are added to <paramref name="errors"/>).</summary>
    public static YNode? ReadText(string text, string displayName, List<DesignError> errors)
    {
        int nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            var (l, c) = LineColumnOfChar(text, nul);
            errors.Add(new DesignError(new SourceLocation(displayName, l, c), "the file contains a NUL character; it is not a text file", "a YAML text file"));
            return null;
        }

        var scanner = new Scanner(new StringReader(text), skipComments: true);
        var parser = new Parser(scanner);
        var stack = new Stack<(YNode Node, YScalar? PendingKey)>();
        var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
        var pendingAnchors = new Dictionary<YNode, string>(ReferenceEqualityComparer.Instance);
        YNode? root = null;
        int documents = 0;
        var lineLengths = text.Split('\n').Select(l => l.Length).ToArray();

        // YamlDotNet may report the end of the stream one line past the last one; keep every position inside the file.
        SourceLocation At(Mark m)
        {
            long line = Math.Clamp(m.Line, 1, lineLengths.Length);
            long col = line < m.Line ? lineLengths[line - 1] + 1 : Math.Clamp(m.Column, 1, lineLengths[line - 1] + 1);
            return new(displayName, (int)line, (int)col);
        }

        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                switch (ev)
                {
                    case StreamStart or StreamEnd or Comment:
                        break;
                    case DocumentStart ds:
                        if (!ds.IsImplicit || documents > 0 || root is not null)
                        {
                            if (documents >= 1)
                            {
                                errors.Add(new DesignError(At(ds.Start), "a second YAML document starts here", "one design per file"));
                                return null;
                            }
                        }

                        documents++;
                        break;
                    case DocumentEnd:
                        break;
                    case MappingStart ms:
                        if (!Push(new YMapping(At(ms.Start)), ms.Anchor)) { return null; }
                        break;
                    case SequenceStart ss:
                        if (!Push(new YSequence(At(ss.Start)), ss.Anchor)) { return null; }
                        break;
                    case MappingEnd or SequenceEnd:
                        {
                            var (node, _) = stack.Pop();
                            if (node is YMapping or YSequence && pendingAnchors.TryGetValue(node, out var anchorName))
                            {
                                anchors[anchorName] = node;
                                pendingAnchors.Remove(node);
                            }

                            if (!Attach(node, node.Location)) { return null; }
                            break;
                        }

                    case Scalar sc:
                        {
                            var scalar = new YScalar(At(sc.Start), sc.Value, sc.Style == ScalarStyle.Plain && sc.Tag.IsEmpty);
                            if (!sc.Anchor.IsEmpty)
                            {
                                anchors[sc.Anchor.Value] = scalar;
                            }

                            if (!Attach(scalar, scalar.Location)) { return null; }
                            break;
                        }

                    case AnchorAlias alias:
                        {
                            if (!anchors.TryGetValue(alias.Value.Value, out var target))
                            {
                                errors.Add(new DesignError(At(alias.Start), $"alias '*{alias.Value.Value}' refers to no complete anchor", "an alias to an anchor defined earlier"));
                                return null;
                            }

                            if (stack.Count > 0 && stack.Peek().Node is YMapping && stack.Peek().PendingKey is null)
                            {
                                errors.Add(new DesignError(At(alias.Start), "an alias cannot be used as a mapping key", "a plain key"));
                                return null;
                            }

                            if (!Attach(target, At(alias.Start))) { return null; }
                            break;
                        }
                }
            }
        }
        catch (YamlException e)
        {
            // YamlDotNet reports some errors at the start of the enclosing node; a tab in indentation is easier to
            // find at the line that holds it.
            var where = e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstIndentationTab(text) is { } tab ? new SourceLocation(displayName, tab.Line, tab.Column) : At(e.Start);
            errors.Add(new DesignError(where, "not valid YAML: " + CleanYamlMessage(e.Message), "well-formed YAML (spaces for indentation, 'key: value' pairs)"));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner sometimes fails with a plain exception instead of a YamlException; the scanner's
            // position is where it gave up, which is where the user should look.
            errors.Add(new DesignError(At(scanner.CurrentPosition), "not valid YAML: the parser could not continue here", "well-formed YAML (closed brackets and quotes, spaces for indentation)"));
            return null;
        }

        if (root is null)
        {
            errors.Add(new DesignError(SourceLocation.StartOf(displayName), "the design file is empty", "a YAML mapping that starts with 'name:' and 'platform:'"));
            return null;
        }

        return root;

        bool Push(YNode node, AnchorName anchor)
        {
            if (stack.Count >= MaxDepth)
            {
                errors.Add(new DesignError(node.Location, string.Create(CultureInfo.InvariantCulture, $"the document nests deeper than {MaxDepth} levels"), "a design nested at most 64 levels deep"));
                return false;
            }

            if (stack.Count > 0 && stack.Peek().Node is YMapping && stack.Peek().PendingKey is null)
            {
                errors.Add(new DesignError(node.Location, "a mapping key must be a plain value, not " + node.KindName, "a plain key such as 'name'"));
                return false;
            }

            if (!anchor.IsEmpty)
            {
                pendingAnchors[node] = anchor.Value;
            }

            stack.Push((node, null));
            return true;
        }

        bool Attach(YNode node, SourceLocation where)
        {
            if (stack.Count == 0)
            {
                root = node;
                return true;
            }

            var (parent, pendingKey) = stack.Pop();
            if (parent is YMapping map)
            {
                if (pendingKey is null)
                {
                    stack.Push((parent, (YScalar)node));
                    return true;
                }

                map.Entries.Add(new(pendingKey, node));
                parent.ExpandedWeight = SaturatingAdd(parent.ExpandedWeight, node.ExpandedWeight + 1);
            }
            else if (parent is YSequence seq)
            {
                seq.Items.Add(node);
                parent.ExpandedWeight = SaturatingAdd(parent.ExpandedWeight, node.ExpandedWeight);
            }

            stack.Push((parent, null));
            if (parent.ExpandedWeight > MaxExpandedNodes)
            {
                errors.Add(new DesignError(where, string.Create(CultureInfo.InvariantCulture, $"expanding aliases here would build more than {MaxExpandedNodes:N0} nodes (an alias bomb)"), "aliases that expand to a reasonable size"));
                return false;
            }

            return true;
        }
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static string CleanYamlMessage(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position is already ours.
        int i = message.IndexOf("): ", StringComparison.Ordinal);
        string m = message.StartsWith("(Line:", StringComparison.Ordinal) && i > 0 ? message[(i + 3)..] : message;
        return m.TrimEnd('.');
    }

    /// <summary>Index of the first byte that is not part of a valid UTF-8 sequence, or -1.</summary>
    internal static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var status = System.Text.Unicode.Utf8.ToUtf16(bytes, new char[Math.Min(bytes.Length, 1) + bytes.Length], out int read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? -1 : read;
    }

    internal static (int Line, int Column) LineColumnOfByte(ReadOnlySpan<byte> bytes, int index)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < index; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        // Columns count characters; count the complete UTF-8 sequences before the bad byte on this line.
        int col = 1;
        for (int i = lineStart; i < index; i++)
        {
            if ((bytes[i] & 0xC0) != 0x80)
            {
                col++;
            }
        }

        return (line, col);
    }

    /// <summary>The first tab inside a line's leading whitespace, where YAML forbids it.</summary>
    internal static (int Line, int Column)? FirstIndentationTab(string text)
    {
        int line = 1, col = 1;
        bool leading = true;
        foreach (char c in text)
        {
            if (c == '\n')
            {
                line++;
                col = 1;
                leading = true;
                continue;
            }

            if (leading && c == '\t')
            {
                return (line, col);
            }

            if (c != ' ' && c != '-')
            {
                leading = false;
            }

            col++;
        }

        return null;
    }

    internal static (int Line, int Column) LineColumnOfChar(string text, int index)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, index - lineStart + 1);
    }
}
