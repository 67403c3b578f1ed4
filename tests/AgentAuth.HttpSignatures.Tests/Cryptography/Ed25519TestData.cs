namespace AgentAuth.HttpSignatures.Tests.Cryptography;

/// <summary>Public Ed25519 test data: RFC 8032 §7.1 vectors and the small-order / non-canonical encodings.</summary>
internal static class Ed25519TestData
{
    /// <summary>RFC 8032 §7.1: (name, secret seed, public key, message, signature), hex.</summary>
    public static readonly (string Name, string Seed, string PublicKey, string Message, string Signature)[] Rfc8032Vectors =
    [
        ("TEST 1",
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("TEST 2",
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("TEST 3",
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
        ("TEST SHA(abc)",
            "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
            "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
    ];

    /// <summary>The canonical encodings of the 8 points of small order (orders 1, 2, 4, 4, 8, 8, 8, 8).</summary>
    public static readonly string[] SmallOrderPoints =
    [
        "0100000000000000000000000000000000000000000000000000000000000000", // identity (order 1)
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = -1 (order 2)
        "0000000000000000000000000000000000000000000000000000000000000000", // y = 0, x positive (order 4)
        "0000000000000000000000000000000000000000000000000000000000000080", // y = 0, x negative (order 4)
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
    ];

    /// <summary>Non-canonical encodings of small-order points: x = 0 with the sign bit set, and y = p, p + 1.</summary>
    public static readonly string[] NonCanonicalSmallOrderPoints =
    [
        "0100000000000000000000000000000000000000000000000000000000000080", // identity, "negative zero"
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = -1, "negative zero"
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p = 0
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = p = 0, sign set
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1 = 1
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = p + 1 = 1, sign set
    ];

    /// <summary>Non-canonical y values (y = p + 2 .. 2^255 - 1) that are not in the small-order list.</summary>
    public static readonly string[] NonCanonicalY =
    [
        "efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 2
        "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 3
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // 2^255 - 1
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // 2^255 - 1, sign set
    ];

    /// <summary>L, the group order, little-endian.</summary>
    public const string GroupOrder = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    /// <summary>Little-endian 256-bit addition (no overflow expected for the values used).</summary>
    public static byte[] AddLittleEndian(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var result = new byte[32];
        var carry = 0;
        for (var i = 0; i < 32; i++)
        {
            var sum = a[i] + b[i] + carry;
            result[i] = (byte)sum;
            carry = sum >> 8;
        }
        return result;
    }
}
