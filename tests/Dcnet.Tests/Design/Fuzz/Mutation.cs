using System.Globalization;
using System.Text;

namespace Dcnet.Tests.Design.Fuzz;

/// <summary>The ways a design file gets broken by hand edits, generators and merges.</summary>
public enum MutationKind
{
    FlipType,
    DeleteLine,
    DuplicateLine,
    InsertUnknownKey,
    Truncate,
    InsertRandomBytes,
    NestDeeply,
    HugeNumber,
    NegativeNumber,
    InvalidUtf8,
    Tab,
    AnchorAlias,
    SwapLines,
    DuplicateKeyInFlow,
}

/// <summary>One edit: what, where (a position in [0, 1) of the file) and a payload selector.</summary>
public sealed record Mutation(MutationKind Kind, double Position, int Payload)
{
    private static readonly string[] Unknown = ["spine", "leafs", "vlan-id", "mtu_size", "hostz", "x-extension", "Name", "platform "];
    private static readonly string[] Replacements = ["[a, b]", "{ x: 1 }", "\"42\"", "true", "~", "-", "3.5", "0x1F", "''", "!!binary AAAA", "&a [1]", "*nope", "|\n  block", ">-\n  folded", "[[[]]]", "{a: {b: {c: [1]}}}"];
    private static readonly string[] Huge = ["99999999999999999999999999", "9223372036854775808", "4294967296", "1e400", "1000000000000", "2147483648", "65536", "4096", "20001", "2000001"];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Kind}@{Position:0.000}#{Payload}");

    /// <summary>Applies the edit to the UTF-8 bytes of a design.</summary>
    public byte[] Apply(byte[] input)
    {
        int at = Math.Clamp((int)(Position * input.Length), 0, input.Length);
        switch (Kind)
        {
            case MutationKind.Truncate:
                return input[..at];
            case MutationKind.InsertRandomBytes:
                {
                    var rnd = new Random(Payload);
                    var bytes = new byte[1 + (Payload % 16)];
                    rnd.NextBytes(bytes);
                    return [.. input[..at], .. bytes, .. input[at..]];
                }

            case MutationKind.InvalidUtf8:
                return [.. input[..at], (byte)(0x80 + (Payload % 0x7F)), .. input[at..]];
            default:
                break;
        }

        // Line-oriented edits work on text; an input that is no longer UTF-8 is edited as Latin-1 so bytes survive.
        string text = Encoding.Latin1.GetString(input);
        var lines = text.Split('\n').ToList();
        int li = Math.Clamp((int)(Position * lines.Count), 0, Math.Max(0, lines.Count - 1));
        string line = lines.Count == 0 ? "" : lines[li];
        int colon = line.IndexOf(": ", StringComparison.Ordinal);
        string indent = new(' ', line.Length - line.TrimStart(' ', '-').Length);
        switch (Kind)
        {
            case MutationKind.FlipType:
                if (colon > 0)
                {
                    lines[li] = line[..(colon + 2)] + Replacements[Payload % Replacements.Length];
                }

                break;
            case MutationKind.DeleteLine:
                if (lines.Count > 0)
                {
                    lines.RemoveAt(li);
                }

                break;
            case MutationKind.DuplicateLine:
                lines.Insert(li, line);
                break;
            case MutationKind.InsertUnknownKey:
                lines.Insert(li, indent + Unknown[Payload % Unknown.Length] + ": 1");
                break;
            case MutationKind.NestDeeply:
                if (colon > 0)
                {
                    int depth = 10 + (Payload % 200);
                    lines[li] = line[..(colon + 2)] + new string('[', depth) + "1" + new string(']', depth);
                }

                break;
            case MutationKind.HugeNumber:
                if (colon > 0)
                {
                    lines[li] = line[..(colon + 2)] + Huge[Payload % Huge.Length];
                }

                break;
            case MutationKind.NegativeNumber:
                lines[li] = System.Text.RegularExpressions.Regex.Replace(line, @"(?<=: )(\d+)", "-$1");
                break;
            case MutationKind.Tab:
                lines[li] = "\t" + line.TrimStart(' ');
                break;
            case MutationKind.AnchorAlias:
                if (colon > 0)
                {
                    // Either a harmless anchor and alias, or the start of an alias bomb.
                    lines[li] = Payload % 2 == 0
                        ? line[..(colon + 2)] + "&m" + line[(colon + 2)..]
                        : line[..(colon + 2)] + "*m";
                    if (Payload % 3 == 0)
                    {
                        lines.Insert(0, "b0: &m [x, x, x, x, x, x, x, x]");
                        for (int i = 1; i < 8; i++)
                        {
                            lines.Insert(i, $"b{i}: &m{i} [" + string.Join(", ", Enumerable.Repeat(i == 1 ? "*m" : $"*m{i - 1}", 8)) + "]");
                        }
                    }
                }

                break;
            case MutationKind.SwapLines:
                if (li + 1 < lines.Count)
                {
                    (lines[li], lines[li + 1]) = (lines[li + 1], lines[li]);
                }

                break;
            case MutationKind.DuplicateKeyInFlow:
                int brace = line.IndexOf("{ ", StringComparison.Ordinal);
                int comma = brace < 0 ? -1 : line.IndexOf(", ", brace, StringComparison.Ordinal);
                if (comma > 0)
                {
                    lines[li] = line[..(comma + 2)] + line[(brace + 2)..comma] + ", " + line[(comma + 2)..];
                }

                break;
        }

        return Encoding.Latin1.GetBytes(string.Join('\n', lines));
    }
}
