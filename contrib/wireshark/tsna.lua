-- tsna.lua - Wireshark/tshark dissector for TSNA, both dialects (classic and TSNA/2), plain or
-- inside TLS; docs/WIRESHARK.md tells how to load it. Depends on Wireshark's Lua API (4.0) only,
-- nothing of TSNA's code: the bytes it reads are those of docs/PROTOCOL.md.

local created, tsna = pcall(Proto, "tsna", "TSNA remote command protocol")
if not created then
  -- Loaded twice (the package's copy in the plugin folder, and -X lua_script: too): the first
  -- copy does the work.
  return
end

local kDefaultPort = 6016
local kChallengeBytes = 8 -- classic: raw challenge from the server
local kAnswerBytes = 32 -- classic: raw HMAC-SHA256 answer from the client

local pf = {
  greeting = ProtoField.string("tsna.greeting", "Greeting"),
  hello = ProtoField.string("tsna.hello", "Protocol upgrade request"),
  dialect = ProtoField.string("tsna.dialect", "Dialect"),
  request = ProtoField.string("tsna.request", "Request"),
  command = ProtoField.string("tsna.command", "Command"),
  argument = ProtoField.string("tsna.argument", "Argument"),
  reply = ProtoField.string("tsna.reply", "Reply line"),
  code = ProtoField.uint16("tsna.code", "Code", base.DEC),
  more = ProtoField.bool("tsna.more", "More lines follow"),
  text = ProtoField.string("tsna.text", "Text"),
  challenge = ProtoField.bytes("tsna.challenge", "Challenge"),
  answer = ProtoField.bytes("tsna.answer", "Answer (HMAC-SHA256)"),
  scram_mechanism = ProtoField.string("tsna.scram.mechanism", "SCRAM mechanism"),
  scram_step = ProtoField.string("tsna.scram.step", "SCRAM message"),
  scram_message = ProtoField.string("tsna.scram.message", "Decoded SCRAM message"),
  scram_gs2 = ProtoField.string("tsna.scram.gs2", "GS2 channel binding flag"),
  scram_authzid = ProtoField.string("tsna.scram.authzid", "Authorization identity (a=)"),
  scram_user = ProtoField.string("tsna.scram.user", "User name (n=)"),
  scram_nonce = ProtoField.string("tsna.scram.nonce", "Nonce (r=)"),
  scram_salt = ProtoField.bytes("tsna.scram.salt", "Salt (s=)"),
  scram_iterations = ProtoField.uint32("tsna.scram.iterations", "Iterations (i=)", base.DEC),
  scram_cbind = ProtoField.string("tsna.scram.cbind", "Channel binding (c=)"),
  scram_proof = ProtoField.string("tsna.scram.proof", "Client proof (p=)"),
  scram_verifier = ProtoField.string("tsna.scram.verifier", "Server signature (v=)"),
  scram_error = ProtoField.string("tsna.scram.error", "Server error (e=)"),
}
tsna.fields = {}
for _, f in pairs(pf) do
  table.insert(tsna.fields, f)
end

local ef = {
  hash_in_clear = ProtoExpert.new("tsna.hash_in_clear", "A password-equivalent hash in clear",
                                  expert.group.SECURITY, expert.severity.WARN),
  bad_scram = ProtoExpert.new("tsna.bad_scram", "Not a base64 SCRAM message",
                              expert.group.MALFORMED, expert.severity.WARN),
  upgrade_refused = ProtoExpert.new("tsna.upgrade_refused", "TSNA/2 upgrade refused",
                                    expert.group.SEQUENCE, expert.severity.NOTE),
}
tsna.experts = { ef.hash_in_clear, ef.bad_scram, ef.upgrade_refused }

tsna.prefs.port = Pref.uint("Extra TCP port", 0,
                            "Another TCP port to decode as TSNA besides 6016 (0: none)")
tsna.prefs.tls_port = Pref.uint("Extra TLS port", 0,
                                "A TCP port whose TLS payload (once decrypted) is TSNA (0: none)")

local tcp_stream_field = Field.new("tcp.stream")
local tls_dissector = Dissector.get("tls")

-- Per-conversation state (first pass) and a copy of it before each call (for later passes,
-- which may visit frames in any order).
local states = {}
local snapshots = {}
local last_frame = -1
local calls_in_frame = {}
local tls_depth = 0 -- > 0 while the TLS dissector runs on our behalf: its payload is decrypted

function tsna.init()
  states = {}
  snapshots = {}
  last_frame = -1
  calls_in_frame = {}
  tls_depth = 0
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do
    c[k] = v
  end
  return c
end

local function is_tls_record(data)
  local t, major = data:byte(1), data:byte(2)
  return t ~= nil and major ~= nil and t >= 0x14 and t <= 0x17 and major == 3
end

local function looks_like_reply(data)
  return data:match("^[234]00[:-]") ~= nil
end

local function new_state(pinfo, data)
  local server_port
  if data:sub(1, 7) == "success" or looks_like_reply(data) then
    server_port = pinfo.src_port
  elseif pinfo.match_uint == pinfo.src_port or pinfo.match_uint == pinfo.dst_port then
    server_port = pinfo.match_uint
  else
    server_port = pinfo.dst_port
  end
  -- c2s/s2c: nil (not seen yet), "classic", "tsna2" or "tls"
  return { server_port = server_port }
end

local function words(line)
  local list = {}
  for w in line:gmatch("[^ \t]+") do
    table.insert(list, w)
  end
  return list
end

local kHashCommands = { login = true, register = true, changepwd = true }

-- Decodes the base64 at tvb(off, len) as a SCRAM message (`step` names which) under `tree`.
local function add_scram(tree, tvb, off, len, pinfo, step)
  local item = tree:add(pf.scram_step, tvb(off, len), step)
  local ok, decoded = pcall(function()
    return tvb(off, len):bytes():base64_decode()
  end)
  if not ok or decoded == nil or decoded:len() == 0 then
    item:add_proto_expert_info(ef.bad_scram)
    return
  end
  local dtvb = decoded:tvb("SCRAM " .. step)
  local msg = dtvb:raw()
  if not msg:match("^[%g ]+$") then
    item:add_proto_expert_info(ef.bad_scram)
    return
  end
  item:add(pf.scram_message, dtvb(), msg)
  local pos = 0
  local index = 0
  for part in (msg .. ","):gmatch("([^,]*),") do
    index = index + 1
    local range = dtvb(pos, #part > 0 and #part or 0)
    if #part == 0 then
      range = nil
    end
    if step == "client-first" and index == 1 then
      item:add(pf.scram_gs2, range, part)
    elseif step == "client-first" and index == 2 then
      if #part > 0 then
        item:add(pf.scram_authzid, range, part:sub(3))
      end
    else
      local key, value = part:match("^(%a)=(.*)$")
      if key == "n" then
        item:add(pf.scram_user, range, value)
      elseif key == "a" then
        item:add(pf.scram_authzid, range, value)
      elseif key == "r" then
        item:add(pf.scram_nonce, range, value)
      elseif key == "s" then
        local sok, salt = pcall(function()
          return ByteArray.new(value, true):base64_decode()
        end)
        if sok and salt ~= nil and salt:len() > 0 then
          -- A bytes field takes its value from a range: the decoded salt gets a tab of its own.
          item:add(pf.scram_salt, salt:tvb("SCRAM salt")())
        end
      elseif key == "i" then
        item:add(pf.scram_iterations, range, tonumber(value) or 0)
      elseif key == "c" then
        local cok, cb = pcall(function()
          return ByteArray.new(value, true):base64_decode():raw()
        end)
        local header = cok and cb ~= nil and cb:match("^[^,]*,[^,]*,") or nil
        local shown = value
        if header ~= nil then
          shown = value .. " (" .. header .. (#cb > #header and " + " .. (#cb - #header) ..
                                              " bytes of binding" or "") .. ")"
        end
        item:add(pf.scram_cbind, range, shown)
      elseif key == "p" then
        item:add(pf.scram_proof, range, value)
      elseif key == "v" then
        item:add(pf.scram_verifier, range, value)
      elseif key == "e" then
        item:add(pf.scram_error, range, value)
      end
    end
    pos = pos + #part + 1
  end
end

-- One request line (TSNA/2) or classic message at tvb(off, len) holding `line`.
local function add_request(root, tvb, off, len, line, pinfo, st, dialect, info)
  local item = root:add(pf.request, tvb(off, len), line)
  if st.scram == "client-final" then
    add_scram(item, tvb, off, len, pinfo, "client-final")
    st.scram = "server-final"
    table.insert(info, "SCRAM client-final")
    return
  end
  local w = words(line)
  table.insert(info, line)
  if #w == 0 then
    return
  end
  local start = line:find(w[1], 1, true) - 1
  item:add(pf.command, tvb(off + start, #w[1]), w[1])
  local pos = start + #w[1]
  for i = 2, #w do
    local at = line:find(w[i], pos + 1, true) - 1
    item:add(pf.argument, tvb(off + at, #w[i]), w[i])
    pos = at + #w[i]
  end
  if dialect == "tsna2" and w[1] == "auth" and #w == 3 then
    item:add(pf.scram_mechanism, tvb(off + line:find(w[2], 1, true) - 1, #w[2]), w[2])
    local at = line:find(w[3], start + #w[1] + #w[2] + 1, true) - 1
    add_scram(item, tvb, off + at, #w[3], pinfo, "client-first")
    st.scram = "server-first"
    info[#info] = "auth " .. w[2] .. " (SCRAM client-first)"
  elseif kHashCommands[w[1]] and (dialect == "classic" or w[1] ~= "login") and
      ((w[1] == "changepwd" and #w == 2) or #w == 3) then
    if tls_depth == 0 then
      item:add_proto_expert_info(ef.hash_in_clear)
    end
    if dialect == "classic" and w[1] == "login" then
      st.await_challenge = true
    end
  end
end

-- One reply at tvb(off, len) holding `line` (a TSNA/2 line, or a whole classic reply).
local function add_reply(root, tvb, off, len, line, st, pinfo, info)
  local item = root:add(pf.reply, tvb(off, len), line)
  local code = tonumber(line:sub(1, 3))
  local sep = line:sub(4, 4)
  if code == nil or (sep ~= ":" and sep ~= "-") then
    table.insert(info, line)
    return
  end
  item:add(pf.code, tvb(off, 3), code)
  item:add(pf.more, tvb(off + 3, 1), sep == "-")
  local text = line:sub(5)
  if #text > 0 then
    item:add(pf.text, tvb(off + 4, #text), text)
  end
  if st.scram == "server-first" and code == 300 and sep == ":" then
    add_scram(item, tvb, off + 4, #text, pinfo, "server-first")
    st.scram = "client-final"
    table.insert(info, "300 (SCRAM server-first)")
    return
  elseif st.scram == "server-final" and code == 200 and sep == "-" then
    add_scram(item, tvb, off + 4, #text, pinfo, "server-final")
    st.scram = nil
    table.insert(info, "200- (SCRAM server-final)")
    return
  elseif sep == ":" then
    st.scram = nil
  end
  table.insert(info, (line:gsub("\n", "\\n"):gsub("\t", "\\t")))
end

-- Dissects the bytes of one call; `st` is the conversation state, changed as they go by.
local function dissect_bytes(tvb, pinfo, tree, st)
  local data = tvb:raw()
  local n = #data
  local from_server = pinfo.src_port == st.server_port
  local dir = from_server and "s2c" or "c2s"
  if st[dir] == nil and is_tls_record(data) then
    st.c2s, st.s2c = "tls", "tls"
  end
  if st[dir] == "tls" then
    return "tls"
  end
  -- The protocol item is added with the first whole message: a segment that only starts one
  -- is left to TCP's reassembly and shows no TSNA.
  local root_item = nil
  local function root()
    if root_item == nil then
      root_item = tree:add(tsna, tvb())
      pinfo.cols.protocol = "TSNA"
    end
    return root_item
  end
  local info = {}
  local off = 0
  while off < n do
    local rest = data:sub(off + 1)
    if from_server then
      if not st.server_seen and rest:sub(1, 7) == "success" then
        root():add(pf.greeting, tvb(off, 7), "success")
        table.insert(info, "Greeting")
        off = off + 7
        st.greeted = true
      elseif st.s2c == nil and not st.greeted and rest:sub(-1) == "\n" and
          looks_like_reply(rest) then
        -- A capture that began mid-connection: only TSNA/2 replies end in "\n".
        st.s2c, st.c2s = "tsna2", "tsna2"
      elseif st.s2c == "tsna2" then
        local nl = data:find("\n", off + 1, true)
        if nl == nil then
          pinfo.desegment_offset = off
          pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
          break
        end
        local line = data:sub(off + 1, nl - 1):gsub("\r$", "")
        add_reply(root(), tvb, off, nl - off, line, st, pinfo, info)
        off = nl
      elseif st.await_challenge and not looks_like_reply(rest) then
        if #rest < kChallengeBytes then
          pinfo.desegment_offset = off
          pinfo.desegment_len = kChallengeBytes - #rest
          break
        end
        root():add(pf.challenge, tvb(off, kChallengeBytes))
        table.insert(info, "Challenge " .. tvb(off, kChallengeBytes):bytes():tohex(true))
        off = off + kChallengeBytes
        st.await_challenge, st.await_answer = false, true
      elseif st.hello_sent and rest:sub(1, 11) == "200:TSNA/2\n" then
        add_reply(root(), tvb, off, 10, "200:TSNA/2", st, pinfo, info)
        root():add(pf.dialect, tvb(off, 11), "TSNA/2 from the next byte on")
        off = off + 11
        st.hello_sent, st.s2c = false, "tsna2"
      else
        -- Classic: one read is one reply; no terminator.
        if st.hello_sent then
          st.hello_sent, st.c2s = false, "classic"
          root():add_proto_expert_info(ef.upgrade_refused)
        end
        st.await_challenge = false
        st.s2c = st.s2c or "classic"
        add_reply(root(), tvb, off, #rest, rest:gsub("\n$", ""), st, pinfo, info)
        off = n
      end
      st.server_seen = true
    else
      if st.c2s == nil then
        local hello = rest:match("^hello TSNA/2\r?\n")
        if hello ~= nil then
          local item = root():add(pf.hello, tvb(off, #hello), "TSNA/2")
          item:add(pf.dialect, tvb(off, #hello), "TSNA/2 from the next byte on")
          table.insert(info, "hello TSNA/2")
          off = off + #hello
          st.c2s, st.hello_sent = "tsna2", true
        else
          st.c2s = "classic"
        end
      elseif st.c2s == "classic" and st.await_answer then
        if #rest < kAnswerBytes then
          pinfo.desegment_offset = off
          pinfo.desegment_len = kAnswerBytes - #rest
          break
        end
        root():add(pf.answer, tvb(off, kAnswerBytes))
        table.insert(info, "Answer " .. tvb(off, kAnswerBytes):bytes():tohex(true))
        off = off + kAnswerBytes
        st.await_answer = false
      elseif st.c2s == "tsna2" then
        local nl = data:find("\n", off + 1, true)
        if nl == nil then
          pinfo.desegment_offset = off
          pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
          break
        end
        local line = data:sub(off + 1, nl - 1):gsub("\r$", "")
        if line:match("^[ \t]*$") == nil then
          add_request(root(), tvb, off, nl - off, line, pinfo, st, "tsna2", info)
        end
        off = nl
      else
        -- Classic: one read is one message, split at each "\n"; an unterminated tail is the last.
        local nl = data:find("\n", off + 1, true)
        local stop = nl or n
        local line = data:sub(off + 1, nl and nl - 1 or n):gsub("\r$", "")
        add_request(root(), tvb, off, stop - off, line, pinfo, st, "classic", info)
        off = stop
      end
    end
  end
  local prefix = from_server and "S: " or "C: "
  if #info > 0 then
    pinfo.cols.info = prefix .. table.concat(info, " | ")
  end
  return "done"
end

-- One TCP connection, plain or (inside the TLS dissector) its decrypted payload.
local function conversation_key(pinfo)
  local stream = tcp_stream_field()
  return (stream and tostring(stream.value) or tostring(pinfo.src) .. tostring(pinfo.dst)) ..
             (tls_depth > 0 and "/tls" or "/tcp")
end

function tsna.dissector(tvb, pinfo, tree)
  local n = tvb:len()
  if n == 0 then
    return 0
  end
  local key = conversation_key(pinfo)
  if pinfo.number ~= last_frame then
    last_frame = pinfo.number
    calls_in_frame = {}
  end
  calls_in_frame[key] = (calls_in_frame[key] or 0) + 1
  local snap_key = key .. "#" .. pinfo.number .. "#" .. calls_in_frame[key]
  local st
  if pinfo.visited and snapshots[snap_key] ~= nil then
    st = copy(snapshots[snap_key])
  else
    st = states[key]
    if st == nil then
      st = new_state(pinfo, tvb:raw())
      states[key] = st
    end
    snapshots[snap_key] = copy(st)
  end
  if dissect_bytes(tvb, pinfo, tree, st) == "tls" then
    -- TLS on a TSNA port: the TLS dissector decrypts (with a key log) and hands the payload
    -- back to this dissector through the tls.port table or the heuristic below.
    tls_depth = tls_depth + 1
    local ok, result = pcall(function()
      return tls_dissector:call(tvb, pinfo, tree)
    end)
    tls_depth = tls_depth - 1
    if not ok then
      error(result)
    end
    return result
  end
  return n
end

-- Heuristic (plain TCP on any port, or a TLS payload): a conversation that starts with the
-- greeting or the TSNA/2 upgrade, and the rest of a conversation it took.
local function heuristic(tvb, pinfo, tree)
  local head = tvb:raw(0, math.min(tvb:len(), 14))
  if states[conversation_key(pinfo)] == nil and head:sub(1, 7) ~= "success" and
      head:match("^hello TSNA/2\r?\n") == nil then
    return false
  end
  if tls_depth == 0 then
    pinfo.conversation = tsna
  end
  tsna.dissector(tvb, pinfo, tree)
  return true
end

local tcp_table = DissectorTable.get("tcp.port")
local tls_table = DissectorTable.get("tls.port")
tcp_table:add(kDefaultPort, tsna)
tls_table:add(kDefaultPort, tsna)
tsna:register_heuristic("tcp", heuristic)
tsna:register_heuristic("tls", heuristic)

local registered = { port = 0, tls_port = 0 }
function tsna.prefs_changed()
  if registered.port ~= tsna.prefs.port then
    if registered.port ~= 0 then
      tcp_table:remove(registered.port, tsna)
    end
    if tsna.prefs.port ~= 0 then
      tcp_table:add(tsna.prefs.port, tsna)
    end
    registered.port = tsna.prefs.port
  end
  if registered.tls_port ~= tsna.prefs.tls_port then
    if registered.tls_port ~= 0 then
      tls_table:remove(registered.tls_port, tsna)
    end
    if tsna.prefs.tls_port ~= 0 then
      tls_table:add(tsna.prefs.tls_port, tsna)
    end
    registered.tls_port = tsna.prefs.tls_port
  end
end
