using System.Text;

namespace Dcnet.Text;

/// <summary>A plain, deterministic text table: columns padded to their widest cell, two spaces apart, no trailing spaces.</summary>
public sealed class TextTable
{
    private readonly string[] headers;
    private readonly bool[] rightAligned;
    private readonly List<string[]> rows = [];

    public TextTable(params string[] headers)
    {
        this.headers = headers;
        rightAligned = new bool[headers.Length];
    }

    /// <summary>Right-aligns the named columns (numbers).</summary>
    public TextTable AlignRight(params int[] columns)
    {
        foreach (int c in columns)
        {
            rightAligned[c] = true;
        }

        return this;
    }

    public TextTable Add(params string?[] cells)
    {
        rows.Add(cells.Select(c => c ?? "").ToArray());
        return this;
    }

    public int RowCount => rows.Count;

    public void WriteTo(StringBuilder sb, string indent = "  ")
    {
        var widths = new int[headers.Length];
        for (int c = 0; c < headers.Length; c++)
        {
            widths[c] = Math.Max(headers[c].Length, rows.Count == 0 ? 0 : rows.Max(r => c < r.Length ? r[c].Length : 0));
        }

        Line(sb, indent, headers, widths);
        foreach (var r in rows)
        {
            Line(sb, indent, r, widths);
        }
    }

    private void Line(StringBuilder sb, string indent, string[] cells, int[] widths)
    {
        var line = new StringBuilder(indent);
        for (int c = 0; c < widths.Length; c++)
        {
            string cell = c < cells.Length ? cells[c] : "";
            if (c > 0)
            {
                line.Append("  ");
            }

            line.Append(rightAligned[c] ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
        }

        sb.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
