using System.Net;
using System.Net.Sockets;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Which addresses a request-triggered fetch may connect to. A request names the origin to fetch from, so without this
/// check it could point the server at its own network (SSRF): loopback, private, link-local, shared and special-purpose
/// ranges are refused (RFC 6890 special-purpose registries), as are IPv6 forms that embed such an IPv4 address.
/// </summary>
internal static class NetworkAddresses
{
    /// <summary>Whether <paramref name="address"/> is a globally routable unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var length))
        {
            return false;
        }
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(bytes[..length]),
            AddressFamily.InterNetworkV6 => IsPublicV6(bytes[..length]),
            _ => false,
        };
    }

    /// <summary>Whether a URI host is a name the server must treat as its own (<c>localhost</c> and <c>*.localhost</c>, RFC 6761 §6.3).</summary>
    public static bool IsLocalName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    private static bool IsPublicV4(ReadOnlySpan<byte> a) => !(
        a[0] == 0                                          // 0.0.0.0/8 "this network"
        || a[0] == 10                                      // 10/8 private
        || (a[0] == 100 && (a[1] & 0xC0) == 64)            // 100.64/10 shared (CGNAT)
        || a[0] == 127                                     // loopback
        || (a[0] == 169 && a[1] == 254)                    // link-local (cloud metadata endpoints live here)
        || (a[0] == 172 && (a[1] & 0xF0) == 16)            // 172.16/12 private
        || (a[0] == 192 && a[1] == 0 && a[2] == 0)         // 192.0.0/24 IETF protocol assignments
        || (a[0] == 192 && a[1] == 0 && a[2] == 2)         // TEST-NET-1
        || (a[0] == 192 && a[1] == 168)                    // 192.168/16 private
        || (a[0] == 198 && (a[1] & 0xFE) == 18)            // 198.18/15 benchmarking
        || (a[0] == 198 && a[1] == 51 && a[2] == 100)      // TEST-NET-2
        || (a[0] == 203 && a[1] == 0 && a[2] == 113)       // TEST-NET-3
        || a[0] >= 224);                                   // multicast, reserved, broadcast

    private static bool IsPublicV6(ReadOnlySpan<byte> a)
    {
        var allZeroPrefix = a[..10].IndexOfAnyExcept((byte)0) < 0;
        if (allZeroPrefix && a[10] == 0 && a[11] == 0)
        {
            // ::, ::1 and the deprecated IPv4-compatible form ::a.b.c.d (:: and ::1 fall in 0.0.0.0/8).
            return IsPublicV4(a[12..]);
        }
        if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B && a[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublicV4(a[12..]);                    // 64:ff9b::/96 NAT64 embeds an IPv4 address
        }
        if (a[0] == 0x20 && a[1] == 0x02)
        {
            return IsPublicV4(a.Slice(2, 4));              // 2002::/16 6to4 embeds an IPv4 address
        }
        return !(
            (a[0] & 0xFE) == 0xFC                          // fc00::/7 unique local
            || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80)     // fe80::/10 link-local
            || (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0)     // fec0::/10 site-local (deprecated)
            || a[0] == 0xFF                                // multicast
            || (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8)  // 2001:db8::/32 documentation
            || (a[0] == 0x01 && a[1..8].IndexOfAnyExcept((byte)0) < 0));       // 100::/64 discard
    }
}
