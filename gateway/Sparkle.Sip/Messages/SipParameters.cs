using System.Collections;
using System.Text;

namespace Sparkle.Sip.Messages;

/// <summary>Ordered ";name=value" parameters of a URI, name-addr or Via; names compare case-insensitively.</summary>
public sealed class SipParameters : IEnumerable<KeyValuePair<string, string?>>
{
    private readonly List<KeyValuePair<string, string?>> _items = [];

    public int Count => _items.Count;

    public string? this[string name]
    {
        get => TryGet(name, out var v) ? v : null;
        set => Set(name, value);
    }

    public bool Contains(string name) => _items.Exists(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));

    public bool TryGet(string name, out string? value)
    {
        foreach (var p in _items)
        {
            if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    public void Set(string name, string? value)
    {
        var index = _items.FindIndex(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            _items[index] = new(name, value);
        }
        else
        {
            _items.Add(new(name, value));
        }
    }

    public bool Remove(string name) =>
        _items.RemoveAll(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)) > 0;

    public SipParameters Clone()
    {
        var copy = new SipParameters();
        copy._items.AddRange(_items);
        return copy;
    }

    /// <summary>Parses "a=1;b;c=\"x y\"" (the text after the first ';').</summary>
    public static SipParameters Parse(string text)
    {
        var result = new SipParameters();
        foreach (var part in HeaderValues.SplitOutsideQuotes(text, ';'))
        {
            var p = part.Trim();
            if (p.Length == 0)
            {
                continue;
            }
            var eq = p.IndexOf('=');
            if (eq < 0)
            {
                result._items.Add(new(p, null));
            }
            else
            {
                result._items.Add(new(p[..eq].Trim(), p[(eq + 1)..].Trim()));
            }
        }
        return result;
    }

    public void AppendTo(StringBuilder sb)
    {
        foreach (var p in _items)
        {
            sb.Append(';').Append(p.Key);
            if (p.Value is not null)
            {
                sb.Append('=').Append(p.Value);
            }
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendTo(sb);
        return sb.ToString();
    }

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
