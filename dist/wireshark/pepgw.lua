-- SPDX-License-Identifier: BSD-3-Clause
-- Wireshark/tshark dissector for pepgw's bonded-tunnel header (lib/bond/bond_wire.h).
--
-- A tunnel packet is outer IPv4/UDP (default UDP port 6400, preference "pepgw.udp_port"), a
-- 12-byte pepgw header, then the payload: AES-256-GCM ciphertext and a 16-byte tag for data and
-- probes (the header is the associated data), an HMAC-authenticated body for handshakes.
--
--   byte 0   version (2 bits) | type (3) | receiver key slot (2) | reserved (1)
--   byte 1   flags: 0x01 terminate (split TCP leg), 0x02 duplicate
--   byte 2   link id (4 bits) | sender queue (4)
--   3..5     sender timestamp, microseconds, low 24 bits
--   6..7     flow (reorder) sequence
--   8..11    link sequence, low 32 bits
--
-- Install: copy to ~/.local/lib/wireshark/plugins/ (meson install puts it in
-- PREFIX/lib/x86_64-linux-gnu/wireshark/plugins), or: tshark -X lua_script:pepgw.lua ...

local pepgw = Proto("pepgw", "pepgw bonded tunnel")

local types = { [1] = "data", [2] = "probe", [3] = "probe reply", [4] = "handshake" }

local f = pepgw.fields
f.version = ProtoField.uint8("pepgw.version", "Version", base.DEC, nil, 0xc0)
f.type = ProtoField.uint8("pepgw.type", "Type", base.DEC, types, 0x38)
f.key_slot = ProtoField.uint8("pepgw.key_slot", "Receiver key slot", base.DEC, nil, 0x06)
f.reserved = ProtoField.uint8("pepgw.reserved", "Reserved", base.DEC, nil, 0x01)
f.flags = ProtoField.uint8("pepgw.flags", "Flags", base.HEX)
f.flag_terminate = ProtoField.bool("pepgw.flags.terminate", "Terminate (split TCP leg)", 8,
	nil, 0x01)
f.flag_duplicate = ProtoField.bool("pepgw.flags.duplicate", "Duplicate", 8, nil, 0x02)
f.link = ProtoField.uint8("pepgw.link", "Link id", base.DEC, nil, 0xf0)
f.queue = ProtoField.uint8("pepgw.queue", "Sender queue", base.DEC, nil, 0x0f)
f.timestamp = ProtoField.uint24("pepgw.timestamp", "Sender timestamp (us, low 24 bits)",
	base.DEC)
f.flow_seq = ProtoField.uint16("pepgw.flow_seq", "Flow (reorder) sequence", base.DEC)
f.link_seq = ProtoField.uint32("pepgw.link_seq", "Link sequence (low 32 bits)", base.DEC)
f.encrypted = ProtoField.bool("pepgw.encrypted", "Payload encrypted (AES-256-GCM)")
f.ciphertext = ProtoField.bytes("pepgw.ciphertext", "Encrypted payload")
f.tag = ProtoField.bytes("pepgw.tag", "GCM tag")
f.handshake = ProtoField.bytes("pepgw.handshake", "Handshake body (HMAC-SHA256 authenticated)")

local e_short = ProtoExpert.new("pepgw.short", "Shorter than the pepgw header (+ GCM tag)",
	expert.group.MALFORMED, expert.severity.ERROR)
local e_version = ProtoExpert.new("pepgw.bad_version", "Version is not 1",
	expert.group.MALFORMED, expert.severity.ERROR)
pepgw.experts = { e_short, e_version }

pepgw.prefs.udp_port = Pref.uint("UDP port", 6400, "UDP port of pepgw tunnel links")

local HDR, TAG = 12, 16

function pepgw.dissector(buf, pinfo, tree)
	local len = buf:len()
	pinfo.cols.protocol = "pepgw"
	local t = tree:add(pepgw, buf(0, math.min(len, HDR)))
	if len < HDR then
		t:add_proto_expert_info(e_short)
		return len
	end
	local b0 = buf(0, 1):uint()
	local version = bit.rshift(b0, 6)
	local ty = bit.band(bit.rshift(b0, 3), 7)
	t:add(f.version, buf(0, 1))
	t:add(f.type, buf(0, 1))
	t:add(f.key_slot, buf(0, 1))
	t:add(f.reserved, buf(0, 1))
	local ft = t:add(f.flags, buf(1, 1))
	ft:add(f.flag_terminate, buf(1, 1))
	ft:add(f.flag_duplicate, buf(1, 1))
	t:add(f.link, buf(2, 1))
	t:add(f.queue, buf(2, 1))
	t:add(f.timestamp, buf(3, 3))
	t:add(f.flow_seq, buf(6, 2))
	t:add(f.link_seq, buf(8, 4))
	if version ~= 1 then
		t:add_proto_expert_info(e_version)
	end
	local name = types[ty] or ("type " .. ty)
	local link = bit.rshift(buf(2, 1):uint(), 4)
	local info = string.format("%s link %d queue %d seq %u", name, link,
		bit.band(buf(2, 1):uint(), 15), buf(8, 4):uint())
	if ty == 4 then
		if len > HDR then
			t:add(f.handshake, buf(HDR))
		end
		t:add(f.encrypted, buf(0, 0), false)
	elseif len < HDR + TAG then
		t:add_proto_expert_info(e_short)
	else
		t:add(f.encrypted, buf(0, 0), true):set_generated()
		if len > HDR + TAG then
			t:add(f.ciphertext, buf(HDR, len - HDR - TAG))
		end
		t:add(f.tag, buf(len - TAG, TAG))
		info = info .. " [encrypted]"
	end
	pinfo.cols.info = "pepgw " .. info
	return len
end

local registered_port = 0
local function register_port()
	local udp = DissectorTable.get("udp.port")
	if registered_port ~= 0 then
		udp:remove(registered_port, pepgw)
	end
	registered_port = pepgw.prefs.udp_port
	udp:add(registered_port, pepgw)
end

function pepgw.prefs_changed()
	register_port()
end

register_port()
