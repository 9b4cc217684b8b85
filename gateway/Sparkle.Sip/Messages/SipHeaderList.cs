using System.Collections;

namespace Sparkle.Sip.Messages;

/// <summary>The ordered header fields of a message. Names compare case-insensitively and are stored in
/// canonical form, so compact and long forms are the same header.</summary>
public sealed class SipHeaderList : IEnumerable<SipHeader>
{
    private readonly List<SipHeader> _headers = [];

    public int Count => _headers.Count;

    public void Add(string name, string value) => _headers.Add(new SipHeader(HeaderNames.Canonical(name), value));

    /// <summary>Adds the header before any other of the same list (a new top Via or Record-Route).</summary>
    public void AddFirst(string name, string value) => _headers.Insert(0, new SipHeader(HeaderNames.Canonical(name), value));

    /// <summary>Replaces every header of this name by one value.</summary>
    public void Set(string name, string value)
    {
        var canonical = HeaderNames.Canonical(name);
        var index = _headers.FindIndex(h => Is(h, canonical));
        Remove(canonical);
        var header = new SipHeader(canonical, value);
        if (index >= 0 && index <= _headers.Count)
        {
            _headers.Insert(index, header);
        }
        else
        {
            _headers.Add(header);
        }
    }

    public int Remove(string name)
    {
        var canonical = HeaderNames.Canonical(name);
        return _headers.RemoveAll(h => Is(h, canonical));
    }

    /// <summary>Removes the first element of a list header (the top Via), keeping the rest.</summary>
    public void RemoveFirstValue(string name)
    {
        var canonical = HeaderNames.Canonical(name);
        var index = _headers.FindIndex(h => Is(h, canonical));
        if (index < 0)
        {
            return;
        }
        var values = HeaderValues.SplitList(_headers[index].Value);
        if (values.Count <= 1)
        {
            _headers.RemoveAt(index);
        }
        else
        {
            _headers[index] = new SipHeader(canonical, string.Join(", ", values.Skip(1)));
        }
    }

    public string? Get(string name)
    {
        var canonical = HeaderNames.Canonical(name);
        foreach (var h in _headers)
        {
            if (Is(h, canonical))
            {
                return h.Value;
            }
        }
        return null;
    }

    public bool Contains(string name) => Get(name) is not null;

    /// <summary>Every header line of this name, in order, without splitting commas.</summary>
    public IEnumerable<string> GetLines(string name)
    {
        var canonical = HeaderNames.Canonical(name);
        return _headers.Where(h => Is(h, canonical)).Select(h => h.Value);
    }

    /// <summary>Every element of a comma-separated list header (Via, Route, Contact...), across lines.</summary>
    public List<string> GetValues(string name)
    {
        var result = new List<string>();
        foreach (var line in GetLines(name))
        {
            result.AddRange(HeaderValues.SplitList(line));
        }
        return result;
    }

    public IEnumerator<SipHeader> GetEnumerator() => _headers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static bool Is(SipHeader h, string canonical) => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase);
}
