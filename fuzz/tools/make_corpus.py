#!/usr/bin/env python3
# make_corpus.py - regenerates the seed corpus in fuzz/corpus/<target>/ from the protocol
# examples (docs/PROTOCOL.md sessions, the seed's users file and audit log in tests/data/seed/,
# the seed report's commands, SPEC 2.1 table rows) in each target's input format. Fuzz tooling
# only; run from anywhere:
#   python3 fuzz/tools/make_corpus.py [--seed-dir tests/data/seed]
# It replaces the corpus directories it writes; files are named after what they hold.
import argparse
import base64
import hashlib
import hmac
import os
import re
import shutil
import struct

FUZZ = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED_DATA = os.path.join(os.path.dirname(FUZZ), "tests", "data", "seed")

HASH = "910f4aff69c6c642b3756489bb81a945"   # ntlm_hash("123456")
HASH2 = "b3358c3dc3c4b063dd668b7f6620c3d2"  # ntlm_hash("123")
NONCE = bytes([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6])
BINDING = bytes([1] + [0] * 31)  # session_fuzz's channel binding (flag bit 2)


def ntlm_hash(password):
    hexed = "".join(format(ord(c), "02x") for c in password)
    return hashlib.md5(hexed.encode("utf-16le")).hexdigest()


assert ntlm_hash("123456") == HASH and ntlm_hash("123") == HASH2


def classic_answer(key_hash):
    # session_fuzz's random source makes every classic challenge 00..07.
    return hmac.new(key_hash.encode(), bytes(range(8)), hashlib.sha256).digest()


def auth_line(user, binding=b""):
    # A SCRAM client-first for `user` (RFC 5802), as `tsna` sends it (SPEC 1.2).
    if binding:
        first = b"p=tls-exporter,,n=" + user.encode() + b",r=" + NONCE.hex().encode()
        return b"auth SCRAM-SHA-256-PLUS " + base64.b64encode(first) + b"\n"
    first = b"n,,n=" + user.encode() + b",r=" + NONCE.hex().encode()
    return b"auth SCRAM-SHA-256 " + base64.b64encode(first) + b"\n"


def tsna2_answer(user, key_hash, binding=b""):
    # A client-final of the right shape: SCRAM's server nonce comes from GNU SASL, not from
    # session_fuzz's random source, so no fixed corpus can hold a proof that logs in.
    cbind = base64.b64encode(b"p=tls-exporter,," + binding if binding else b"n,,")
    proof = base64.b64encode(hmac.new(key_hash.encode(), user.encode(), hashlib.sha256).digest())
    final = b"c=" + cbind + b",r=" + NONCE.hex().encode() + b"server,p=" + proof
    return base64.b64encode(final) + b"\n"


def b(s):
    return s.encode() if isinstance(s, str) else s


class Corpus:
    def __init__(self, target):
        self.dir = os.path.join(FUZZ, "corpus", target)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.names = set()

    def add(self, name, data):
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:60]
        name, n = base, 1
        while name in self.names:
            n += 1
            name = "%s_%d" % (base, n)
        self.names.add(name)
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)


# ---- session_fuzz: [flags][separator][tick] segments; "<tick><n>" advances n seconds.
ALLOW, SMALL, BINDING_FLAG, IPV6, TWO = 1, 2, 4, 32, 64
CONFLICT, FAILED, ALTERNATE = 8, 16, 24


def session_input(flags, segments):
    segments = [b(s) for s in segments]
    for sep in b"|\xfe\x01\x02\x03\xfd":
        if all(bytes([sep]) not in s for s in segments):
            break
    else:
        raise ValueError("no free separator")
    tick = b"~" if sep != ord("~") else b"\xfc"
    segments = [tick + bytes([int(s[5:])]) if s.startswith(b"TICK ") else s for s in segments]
    return bytes([flags, sep]) + tick + bytes([sep]).join(segments)


def tick(seconds):
    return "TICK %d" % seconds


SESSIONS = {
    # docs/PROTOCOL.md "A whole classic session" (the seed's capture, replayed).
    "classic_capture": (ALLOW, [
        "ls", "register HaibinLai " + HASH, "login HaibinLai " + HASH, classic_answer(HASH),
        "sum 0.2 0.1", "changepwd " + HASH2, "logout", "exit"]),
    "classic_capture_no_allow": (0, [
        "ls", "register HaibinLai " + HASH, "login HaibinLai " + HASH, "sum 0.2 0.1", "exit"]),
    "classic_answer_split": (ALLOW, [
        "login bob " + HASH, classic_answer(HASH)[:16], classic_answer(HASH)[16:], "help",
        "sum 1 2 3 4 5", "sum 1.4 2.5", "sum -45 15.34", "multiply 2 3", "multiply 2 0",
        "multiply -1 -1", "multiply 223.4 5.3", "sub 3 5", "sub 123 24", "sub 123 23 45",
        "subtract 23 45", "divide 7 2", "divide 1 0", "changepwd sd " + HASH2, "changepwd 1266",
        "changepwd " + HASH, "logout", "?", "exit"]),
    "classic_answer_same_read": (ALLOW, [
        b"login bob " + HASH.encode() + b"\n" + classic_answer(HASH) + b"sum 1 2"]),
    "classic_login_errors": (ALLOW, [
        "login nobody " + HASH, "login bob " + HASH2, "login bob " + HASH, "x" * 32,
        "login bob", "login bob a b", "login b:b " + HASH, "login bob " + HASH.upper()]),
    "classic_challenge_timeout": (ALLOW, ["login bob " + HASH, tick(31), "ls"]),
    "classic_challenge_timeout_small": (ALLOW | SMALL, ["login bob " + HASH, tick(3), tick(3),
                                                        "ls", tick(25)]),
    # Small limits: lines of at most 100 bytes, reads of at most 128 (full ones marked).
    "classic_overlong_full_reads": (SMALL, ["x" * 300, "still the long one\nls", "ls"]),
    "classic_overlong_then_newline": (SMALL, ["x" * 128, "x" * 128, "rest\nls\r\n"]),
    "classic_overlong_short_read": (SMALL, ["y" * 110, "ls"]),
    "classic_overlong_default": (0, ["z" * 5000 + "\nls"]),
    "classic_nul_utf8_blank": (ALLOW, [b"ls\x00", b"\xff\xfe", b"\xc0\x80", "\n", "  \t ",
                                       b"\xed\xa0\x80", "sum\x001"]),
    "classic_split_lines": (ALLOW, ["ls\r\nsum 1 2\nexit 1\n", "help\nexit"]),
    "classic_register_variants": (ALLOW, [
        "register", "register bob", "register a b c", "register  carol  " + HASH,
        "register " + "n" * 65 + " " + HASH, "register \xc3\xa9\xe4\xb8\xad " + HASH,
        "register d " + HASH[:31], "register bob " + HASH, "login carol " + HASH,
        classic_answer(HASH), "register x " + HASH, "login bob " + HASH, "exit 1 DROP TABLE ALL",
        "logout 1", "logout"]),
    "classic_hello_other": (0, ["hello TSNA/3\n", "sum 1", "hello TSNA/2\n"]),
    "classic_hello_later": (0, ["ls", "hello TSNA/2\n"]),
    "classic_throttle": (ALLOW, ["login bob " + HASH2] * 5 + ["login bob " + HASH, tick(1),
                                                            "login bob " + HASH,
                                                            classic_answer(HASH)]),
    "classic_store_failed": (ALLOW | FAILED, ["register eve " + HASH, "login bob " + HASH,
                                              classic_answer(HASH), "changepwd " + HASH2]),
    "classic_idle_close": (0, ["ls", tick(255), tick(50)]),
    "classic_ipv6": (ALLOW | IPV6, ["login nobody " + HASH] * 6),
    # docs/PROTOCOL.md "A whole TSNA/2 session".
    "tsna2_protocol_md": (0, [
        "hello TSNA/2\n", "help\n", "register alice " + HASH + "\n", auth_line("alice"),
        tsna2_answer("alice", HASH), "sum 1 2 3 4 5\nmultiply 223.4 5.3\ndivide 1 0\n",
        "changepwd " + HASH2 + "\n", "logout\n", "exit\n"]),
    "tsna2_one_read": (0, [b"hello TSNA/2\n" + auth_line("bob") + tsna2_answer("bob", HASH) +
                           b"sum 1 2\nlogout\nexit\n"]),
    "tsna2_byte_by_byte": (0, list("hello TSNA/2\r\nls\r\n")),
    "tsna2_channel_binding": (BINDING_FLAG, [
        "hello TSNA/2\n", auth_line("bob"), tsna2_answer("bob", HASH, BINDING), auth_line("bob"),
        "logout\n", auth_line("bob"), tsna2_answer("bob", HASH)]),
    "tsna2_answer_shapes": (0, [
        "hello TSNA/2\n", auth_line("bob"), "sum 1 2\n", auth_line("bob"), "\n", auth_line("bob"),
        "00 11\n", auth_line("bob"), tsna2_answer("bob", HASH).upper(), auth_line("nobody"),
        tsna2_answer("nobody", HASH), "login\n", "login a b\n", "login a:b\n"]),
    "tsna2_challenge_expired": (0, ["hello TSNA/2\n", auth_line("bob"), tick(31),
                                    tsna2_answer("bob", HASH), "ls\n"]),
    "tsna2_throttle_small": (SMALL, ["hello TSNA/2\n"] + [auth_line("bob"), "0\n"] * 3 +
                             [tick(1), auth_line("bob"), tsna2_answer("bob", HASH), auth_line("x")]),
    "tsna2_overlong": (0, ["hello TSNA/2\n", "x" * 5000 + "\nls\n"]),
    "tsna2_overlong_small": (SMALL, ["hello TSNA/2\n", "y" * 100 + "\r", "\n", "y" * 101,
                                     "\nls\n"]),
    "tsna2_nul_utf8": (0, ["hello TSNA/2\n", b"\xff\xfe\n", b"ls\x00\n", b"\xf4\x90\x80\x80\n",
                           "\n  \r\nexit 1\n\nsum\n"]),
    "tsna2_slow_reader_small": (SMALL, ["hello TSNA/2\n" + "help\n" * 11, "help\n" * 12]),
    "tsna2_store_conflict": (CONFLICT, ["hello TSNA/2\n", "register bob " + HASH + "\nsum 1\n",
                                        "register zed " + HASH + "\n"]),
    "tsna2_store_alternate": (ALTERNATE, [
        "hello TSNA/2\n", "register u1 " + HASH + "\n", "register u2 " + HASH + "\n",
        auth_line("u1"), tsna2_answer("u1", HASH), "changepwd " + HASH2 + "\n",
        "changepwd " + HASH2 + "\n"]),
    "tsna2_logged_in_table": (0, [
        "hello TSNA/2\n", auth_line("bob"), tsna2_answer("bob", HASH),
        "register x " + HASH + "\nlogin bob\nhelp me\nexit now\nchangepwd\nchangepwd a b\n"
        "changepwd " + HASH + "\nfoo\nsum\nsum nan\nsum inf\nmultiply 1e308 10\nsum 1e400\n"
        "sum 5e-324\nsub 1\ndivide 1\ndivide 0 0\nsum -0\nsum 1_0\nsum 0x10\n"]),
    "tsna2_unicode_user": (0, ["hello TSNA/2\n", "register \xc3\xa9\xe4\xb8\xad " + HASH + "\n",
                               auth_line("\xc3\xa9\xe4\xb8\xad"),
                               tsna2_answer("\xc3\xa9\xe4\xb8\xad", HASH), "logout\n"]),
    "tsna2_idle_dribble": (0, ["hello TSNA/2\n", "x", tick(200), "y", tick(100), "z\n"]),
    # Two connections on one thread: read segments alternate between them.
    "two_register_then_login_both": (TWO, [
        "hello TSNA/2\n", "hello TSNA/2\n", "register zoe " + HASH + "\n", auth_line("zoe"),
        auth_line("zoe"), tsna2_answer("zoe", HASH), tsna2_answer("zoe", HASH),
        "changepwd " + HASH2 + "\n", "sum 1 2\n", "logout\n", "logout\n", auth_line("zoe")]),
    "two_classic_and_tsna2_throttle": (TWO | ALLOW | SMALL, [
        "login bob " + HASH, "hello TSNA/2\nlogin bob\n", classic_answer(HASH), "0\n",
        "sum 1 2", auth_line("bob"), "logout", "0\n", "login bob " + HASH, auth_line("bob"),
        tick(6), "ls", "ls\n"]),
    "two_pipelined_store": (TWO | ALTERNATE, [
        "hello TSNA/2\nregister a1 " + HASH + "\nregister a2 " + HASH + "\nls\n",
        "register a1 " + HASH + "\nregister a2 " + HASH + "\nexit\n", "exit\n"]),
}


def data_log_sessions(seed_dir):
    # The seed's audit log: one classic session per client port, commands as sent.
    path = os.path.join(seed_dir, "data_log.txt")
    sessions = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\('[^']*', (\d+)\),(.*),[0-9.]+$", line.rstrip("\n"))
            if m:
                sessions.setdefault(m.group(1), []).append(m.group(2))
    return sessions


# The commands the seed's report types at its client prompt ("127.0.0.1:6016:<command>"), in the
# order they first appear there, passwords in clear as typed. "}" is a stray character of the
# report's text, kept as one more odd input.
REPORT_COMMANDS = [
    "ls", "}", "register HaibinLai 123456", "login HaibinLai 123456", "sum 1 2 3 4 5",
    "sum 1.4 2.5", "sum -45 15.34", "sum 0.2 0.1", "multiply 2 3", "multiply 2 0",
    "multiply -1 -1", "multiply 223.4 5.3", "sub 3 5", "sub 123 24", "sub 123 23 45",
    "subtract 23 45", "help", "changepwd 123", "logout", "login HaibinLai 123",
]


def report_commands():
    # REPORT_COMMANDS hashed as the seed client sends them.
    sent = []
    for c in REPORT_COMMANDS:
        words = c.split(" ")
        if words[0] in ("login", "register") and len(words) == 3:
            c = " ".join(words[:2] + [ntlm_hash(words[2])])
        elif words[0] == "changepwd" and len(words) == 2:
            c = "changepwd " + ntlm_hash(words[1])
        sent.append(c)
    return sent


def make_session(seed_dir):
    c = Corpus("session_fuzz")
    for name, (flags, segments) in SESSIONS.items():
        c.add(name, session_input(flags, segments))
    for port, commands in sorted(data_log_sessions(seed_dir).items())[:8]:
        c.add("data_log_port_" + port, session_input(ALLOW, commands))
    sent = report_commands()
    c.add("seed_report_commands", session_input(ALLOW, sent))
    c.add("seed_report_commands_tsna2", session_input(
        0, ["hello TSNA/2\n"] + [s + "\n" for s in sent]))
    return c


def tsna2_streams():
    # The byte streams of the TSNA/2 sessions above, as one stream each.
    for name, (flags, segments) in SESSIONS.items():
        if name.startswith("tsna2"):
            yield name, b"".join(b(s) for s in segments if not str(s).startswith("TICK"))


def make_tsna2_decoder():
    c = Corpus("tsna2_decoder_fuzz")
    for name, stream in tsna2_streams():
        c.add(name, bytes([0x80 if len(stream) > 200 else 0x1F, 7]) + stream)
    limit = 16
    for i, (name, stream) in enumerate([
            ("exact_limit", b"x" * limit + b"\n"), ("exact_limit_crlf", b"x" * limit + b"\r\n"),
            ("limit_plus_one", b"x" * (limit + 1) + b"\nls\n"),
            ("limit_cr_cr", b"x" * limit + b"\r\r\n"), ("tail_cr", b"x" * limit + b"\r"),
            ("tail_over", b"x" * (limit + 2)), ("blank_lines", b"\n\r\n\n  \n"),
            ("nul_utf8", b"\x00\n\xff\xfe\n\xc3\xa9\n")]):
        c.add(name, bytes([limit - 1, i]) + stream)
    c.add("overlong_4096", bytes([0x80, 3]) + b"a" * 4097 + b"\nls\n" + b"b" * 4096 + b"\r\n")
    return c


def classic_reads(reads, buffer):
    out = bytearray()
    for r in reads:
        r = b(r)
        out.append(0 if len(r) == buffer else len(r))
        out += r
    return bytes(out)


def make_classic_decoder():
    c = Corpus("classic_decoder_fuzz")
    for name, (flags, segments) in SESSIONS.items():
        if name.startswith("classic"):
            reads = [b(s)[:255] for s in segments if not str(s).startswith("TICK")]
            c.add(name, bytes([0x7F, 255]) + classic_reads(reads, 255))
    c.add("full_then_newline", bytes([15, 32]) + classic_reads(
        ["x" * 32, "y" * 32, "tail\nls", "ls\r\n"], 32))
    c.add("full_then_short", bytes([15, 32]) + classic_reads(["x" * 32, "rest", "ls"], 32))
    c.add("short_overlong", bytes([15, 32]) + classic_reads(["x" * 20, "ls"], 32))
    c.add("limit_cr", bytes([15, 32]) + classic_reads(["x" * 16 + "\r", "x" * 16 + "\r\n"], 32))
    c.add("split_lines", bytes([63, 64]) + classic_reads(["ls\nsum 1 2\r\n\nexit", "\n"], 64))
    return c


def make_proxy_header():
    c = Corpus("proxy_header_fuzz")
    sig = b"\r\n\r\n\x00\r\nQUIT\n"
    f = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
    c.add("v1_tcp4", b"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nhello TSNA/2\n")
    c.add("v1_tcp6", ("PROXY TCP6 %s %s 65535 65535\r\n" % (f, f)).encode())
    c.add("v1_unknown", b"PROXY UNKNOWN\r\n")
    c.add("v1_unknown_longest", ("PROXY UNKNOWN %s %s 65535 65535\r\n" % (f, f)).encode())
    c.add("v1_lf_only", b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")
    c.add("v2_tcp4", sig + b"\x21\x11\x00\x0c" + bytes([192, 168, 0, 1, 192, 168, 0, 11]) +
          b"\xdc\x04\x01\xbb" + b"\x16\x03\x01")
    c.add("v2_tcp6", sig + b"\x21\x21\x00\x24" + bytes(15) + b"\x01" + bytes(15) + b"\x02" +
          b"\x10\x92\x17\x80")
    c.add("v2_tlvs", sig + b"\x21\x11\x00\x13" + bytes([127, 0, 0, 5, 127, 0, 0, 1]) +
          b"\x9c\x40\x17\x80" + b"\x02\x00\x03a.b" + b"\x04\x00\x00")
    c.add("v2_local", sig + b"\x20\x00\x00\x00")
    c.add("v2_unix", sig + b"\x21\x31\x00\xd8" + bytes(216))
    c.add("not_a_header", b"hello TSNA/2\n")
    return c


def make_command():
    c = Corpus("command_fuzz")
    # state byte: bit 0 TSNA/2, bit 1 --allow-classic, bit 2 logged in, bits 3-4 which user.
    rows = ["?", "help", "ls", "ls x", "logout", "logout x", "exit", "exit 1 DROP TABLE ALL",
            "register bob " + HASH, "register", "register bob", "register a b c",
            "register b:ob " + HASH, "register bob " + HASH.upper(), "login bob " + HASH,
            "login", "login bob", "login a b c", "changepwd " + HASH, "changepwd", "changepwd a b",
            "sum 1 2 3 4 5", "sum 0.2 0.1", "multiply 2 3", "multiply 223.4 5.3", "sub 3 5",
            "subtract 23 45", "sub 1", "divide 7 2", "divide 1", "divide 1 0", "sum",
            "sum x", "sum nan", "multiply 1e308 10", "  sum\t1  2 ", "SUM 1", "hello TSNA/2",
            "sum 1e400", "sum 5e-324", "divide -0 1"]
    # Every row logged in (TSNA/2, bob) and logged out (classic, --allow-classic); a few more
    # in the other states.
    for i, row in enumerate(rows):
        c.add("in_%02d_%s" % (i, row), bytes([5]) + row.encode())
        c.add("out_%02d_%s" % (i, row), bytes([2]) + row.encode())
        state = [0, 1, 4, 6 | 8, 5 | 16, 7 | 24][i % 6]
        c.add("s%02d_%02d_%s" % (state, i, row), bytes([state]) + row.encode())
    for i, raw in enumerate([b"ls\x00", b"\xff", b"login \xff", b"sum 1\xc0\x80", b"",
                             b" \t ", "register \xc3\xa9 ".encode() + HASH.encode()]):
        c.add("bytes_%d" % i, bytes([i * 9 % 32]) + raw)
    return c


def make_number():
    c = Corpus("number_fuzz")
    texts = ["12", "-3.5", ".5", "5.", "+1", "-0", "0.30000000000000004", "1184.02", "15.0",
             "1e-05", "1e+16", "1E5", "1e400", "-1e400", "1e-400", "-1e-400", "5e-324",
             "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
             "1.7976931348623158e308", "1.7976931348623159e308", "2.2250738585072011e-308",
             "9007199254740993", "0." + "0" * 400 + "1e400", "1" * 400 + "e-400",
             "0.1" + "0" * 300 + "1", "nan", "inf", "-Infinity", "0x10", "1_000", " 1", "1 ",
             "1e", "e5", ".", "+", "1.2.3", "1e+-5", "1e99999999999999999999", "0e999999999",
             "1000000000000000.0", "1e15", "0.0001", "0.00001", "123456789012345678"]
    for t in texts:
        c.add("t_" + t[:40], t.encode())
    for x in [0.1, -0.0, 5e-324, 1.7976931348623157e308, 2.0 ** -1022, 1e16, 1e-5, 123.456]:
        c.add("bits_%r" % x, struct.pack("<d", x))
    return c


def make_user_file(seed_dir):
    c = Corpus("user_file_fuzz")
    with open(os.path.join(seed_dir, "users.txt"), "rb") as f:
        c.add("seed_users_txt", f.read())
    files = {
        "crlf": "bob:%s\r\nalice:%s\r\n" % (HASH, HASH2),
        "blank_and_spaces": "\n  bob:%s  \n\n\t\nalice:%s" % (HASH, HASH2),
        "unicode_space": "\u3000bob:%s\u00a0\n" % HASH,
        "duplicate": "bob:%s\nalice:%s\nbob:%s\n" % (HASH, HASH2, HASH2),
        "missing_colon": "bob %s\n" % HASH,
        "bad_hash": "bob:%s\n" % HASH.upper(),
        "bad_name": "b ob:%s\n" % HASH,
        "two_colons": "bob:%s:x\n" % HASH,
        "empty_name": ":%s\n" % HASH,
        "unicode_name": "\u00e9\u4e2d\U0001F600:%s\n" % HASH,
        "long_name": "%s:%s\n" % ("n" * 64, HASH),
        "too_long_name": "%s:%s\n" % ("n" * 65, HASH),
    }
    for name, text in files.items():
        c.add(name, text.encode())
    c.add("invalid_utf8", b"\xff\xfe:" + HASH.encode() + b"\n")
    c.add("nul", b"bo\x00b:" + HASH.encode() + b"\n")
    return c


def make_audit(seed_dir):
    c = Corpus("audit_fuzz")
    # [flags][cap][user length][user][cmd]; flags: bit 0 answer, bits 1-2 code, bit 3 user,
    # bit 4 TSNA/2, bit 5 timestamp from the user bytes, bit 6 user bytes as the peer.
    for port, commands in sorted(data_log_sessions(seed_dir).items())[:3]:
        for i, cmd in enumerate(commands[:8]):
            user = b"HaibinLai"
            c.add("data_log_%s_%d" % (port, i),
                  bytes([0x08 | 0x02 | (i % 2) << 4, 255, len(user)]) + user + cmd.encode())
    cases = [
        (0x00, 255, b"", b"login bob " + HASH.encode()),
        (0x01, 255, b"", NONCE.hex().encode() + b" " + b"ab" * 32),
        (0x01, 2, b"", b"anything"),
        (0x02, 16, b"", "sum 1 2 \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9".encode()),
        (0x04, 255, b"", b"changepwd  \t" + HASH.encode() + b" extra"),
        (0x06, 255, b"", b"x" + HASH.encode() + b"y " + HASH[:31].encode()),
        (0x08, 255, "\u00e9\u4e2d".encode(), b"\"quote\" back\\slash \x01\x1f\x7f\r\n\t"),
        (0x20, 255, b"\x7f\xff\xff\xff\xff\xff\xff\xff", b"ls"),
        (0x28, 255, b"\x00\x00\x00\x00\x00\x00\x00\x00", b"ls"),
        (0x40, 20, b"[\xff::1]:1", b"\xe2\x82 \xff\xff \xed\xa0\x80 \xf0\x90\x80"),
        (0x00, 5, b"", "\u4e2d\u6587\u4e2d".encode()),
        (0x00, 255, b"", b"register bob" + b"\t" * 3 + HASH.encode()),
    ]
    for i, (flags, cap, user, cmd) in enumerate(cases):
        c.add("case_%02d" % i, bytes([flags, cap, len(user)]) + user + cmd)
    return c


# ---- scram_fuzz: [flags][m1 \n m2 \n m3]; flags 1 = -PLUS, 2 = parts already base64,
# 4 = drive a client (m1 server-first, 0x01 standing for its nonce; m2 server-final).
RFC7677_CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
RFC7677_SERVER_FIRST = ("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
RFC7677_CLIENT_FINAL = ("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
RFC7677_SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def make_scram():
    import base64
    c = Corpus("scram_fuzz")
    final = "\n" + RFC7677_CLIENT_FINAL + "\nc=biws"
    for name, flags, first in [
            ("rfc7677", 0, RFC7677_CLIENT_FIRST), ("escaped", 0, "n,,n=a=2Cb=3Dc,r=abc"),
            ("authzid_same", 0, "n,a=bob,n=bob,r=abc"), ("authzid_other", 0, "n,a=x,n=bob,r=abc"),
            ("y_flag", 0, "y,,n=bob,r=abc"), ("p_on_plain", 0, "p=tls-exporter,,n=bob,r=abc"),
            ("plus", 1, "p=tls-exporter,,n=bob,r=abc"), ("plus_unique", 1, "p=tls-unique,,n=bob,r=a"),
            ("n_on_plus", 1, "n,,n=bob,r=abc"), ("mext", 0, "n,,m=x,n=bob,r=abc"),
            ("ext", 0, "n,,n=bob,r=abc,x=1"), ("utf8_name", 0, "n,,n=\u5f20\u4f1f,r=abc"),
            ("roman_nine", 0, "n,,n=\u2168,r=abc")]:
        c.add("server_" + name, bytes([flags]) + (first + final).encode())
    raw = base64.b64encode(RFC7677_CLIENT_FIRST.encode()) + b"\n" + base64.b64encode(
        RFC7677_CLIENT_FINAL.encode())
    c.add("server_base64_rfc7677", bytes([2]) + raw)
    salt = base64.b64encode(bytes([0x42] * 16)).decode()
    for name, flags, server_first, server_final in [
            ("nonce", 4, "r=\x01srv,s=%s,i=4096" % salt, RFC7677_SERVER_FINAL),
            ("plus", 5, "r=\x01srv,s=%s,i=4096" % salt, "v=AAAA"),
            ("error", 4, "r=\x01srv,s=%s,i=4096" % salt, "e=other-error"),
            ("ext", 4, "r=\x01srv,s=%s,i=4096,x=1" % salt, RFC7677_SERVER_FINAL),
            ("low_count", 4, "r=\x01srv,s=%s,i=1" % salt, RFC7677_SERVER_FINAL),
            ("rfc7677", 4, RFC7677_SERVER_FIRST, RFC7677_SERVER_FINAL),
            ("empty_salt", 4, "r=\x01srv,s=,i=4096", "v=")]:
        c.add("client_" + name, bytes([flags]) + (server_first + "\n" + server_final).encode())
    return c


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed-dir", default=SEED_DATA)
    args = parser.parse_args()
    corpora = [make_session(args.seed_dir), make_tsna2_decoder(), make_classic_decoder(),
               make_command(), make_number(), make_user_file(args.seed_dir),
               make_audit(args.seed_dir), make_scram(), make_proxy_header()]
    total = 0
    for c in corpora:
        size = sum(os.path.getsize(os.path.join(c.dir, n)) for n in os.listdir(c.dir))
        total += size
        print("%-24s %3d files %7d bytes" % (os.path.basename(c.dir), len(c.names), size))
    print("total %d bytes" % total)


if __name__ == "__main__":
    main()
