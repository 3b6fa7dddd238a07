-- pktgen-dpdk 23.06.x Lua script: a load sweep through a pepgw appliance.
--   pktgen port 0 -> pepgw lan0, pepgw wan0 -> pktgen port 1 (config/pktgen/*.pkt).
-- For each flow file (or the SYN flood, or the replayed pcap), frame size and offered load it
-- sends for STEP_MS and prints one CSV line:
--   mode, flows, size, target_mpps (asked), offered_mpps (port 0 TX), forwarded_mpps (port 1
--   RX), loss_pct ((port 0 TX - port 1 RX) / port 0 TX: the generator's own counts, taken
--   SETTLE_MS after the step so packets in flight are counted), then pepgw's own counters for
--   the step read with pepgwctl: gw_rx, gw_forwarded, gw_drops (every drop_ reason),
--   gw_tx_full, gw_flow_created, gw_table_full (packets forwarded without a flow entry).
-- Loads are in Mpps and turned into pktgen's percent of the port's link speed, so a step means
-- the same on any NIC. net_memif reports 100 Gb/s and has no wire: below what the two
-- processes can move pktgen paces the step by its TSC; above it (and at 0 = 100 %) the step
-- runs flat out, held back by the memif ring (pktgen retries until the ring takes each
-- packet), and offered_mpps = forwarded_mpps = the capacity of the slower side, which
-- pepgw's counters and the CPU time of each side tell apart (doc/benchmarks.md).
-- Run from the pepgw tree (the paths below are relative to it); nothing here needs pktgen's
-- own Lua files:
--   pktgen [EAL] -- -P -m "1.[0-1]" -f config/pktgen/sweep.lua          (memif, one lcore)
--   pktgen [EAL] -- -P -m "[1:2].0, [3:4].1" -f config/pktgen/sweep.lua  (two NIC ports)
--   pcap mode: add -s 0:FILE.pcap (tests/bench/make_pcap.py), set MODE = "pcap" and
--   PCAP_FILE = "FILE.pcap" (the loads are turned into pktgen's rate with its average frame).
-- Checked by tests/config/check_pktgen.py (flow files and counts, SYN chunk size).

-- Edit here -----------------------------------------------------------------------------
local MODE = "data" -- "data" (FLOW_FILES in turn), "syn" (SYN flood), "pcap" (-s file)
local FLOW_FILES = { -- setup file, the flows it makes (exact: see the file's header)
	{"config/pktgen/pepgw-tcp-1flow.pkt", 1},
	{"config/pktgen/pepgw-tcp-data.pkt", 256},
	{"config/pktgen/pepgw-tcp-24k.pkt", 24576},
}
local SYN_FILE = "config/pktgen/pepgw-syn.pkt" -- 1048576 flows, a new one per SYN
-- pktgen 23.06 builds 24576 range packets per "start" and cycles them: the SYN flood sends
-- exactly that many per start, each start the next new flows.
local SYN_CHUNK = 24576
local SYN_CHUNKS = 3 -- per step: 73728 SYNs, past pepgw-memif.json's 65536-flow table
local SIZES = {64, 1500} -- frame sizes with FCS; the SYN flood is 64 B, pcap its own
local PCAP_FILE = "" -- pcap mode: the file given to pktgen with -s 0:FILE (read for its sizes)
local LOADS = {0.5, 1, 2, 4, 0} -- offered load per step, Mpps; 0 = 100 % of the link
local STEP_MS = 10000 -- send time per step
local SETTLE_MS = 2000 -- before reading the counters (pktgen updates them once a second)
-- pepgw's counters: the command that prints them as JSON ("" = leave the gw_ columns empty).
-- From the pepgw tree as built; installed: "pepgwctl -f pepgw --json"; on another box, e.g.
-- "ssh pepgw-box pepgwctl -f pepgw --json".
local PEPGWCTL = "build/app/pepgwctl/pepgwctl -f pepgw --json"
local CSV = "" -- also append the CSV lines to this file ("" = screen only)
local QUIT = false -- quit pktgen when done (unattended runs)
------------------------------------------------------------------------------------------

local TX, RX = "0", "1"
local GW_KEYS = {"rx_packets", "forwarded", "drops", "drop_tx_full", "flow_created",
                 "flow_table_full"}

local function printf(fmt, ...)
	local s = string.format(fmt, ...)
	io.write(s)
	io.flush()
	if CSV ~= "" then
		local f = io.open(CSV, "a")
		if f then
			f:write(s)
			f:close()
		end
	end
end

-- pepgw's counters as {name = value}, drops summed; nil when not configured or unreachable.
local function gw_counters()
	if PEPGWCTL == "" then
		return nil
	end
	local p = io.popen(PEPGWCTL .. " show counters 2>/dev/null")
	if p == nil then
		return nil
	end
	local out = p:read("*a")
	p:close()
	local c, found = {drops = 0}, false
	for k, v in string.gmatch(out, '"([%w_]+)"%s*:%s*(%d+)') do
		c[k] = tonumber(v)
		found = true
		if string.sub(k, 1, 5) == "drop_" then
			c.drops = c.drops + c[k]
		end
	end
	return found and c or nil
end

local function totals()
	local s = pktgen.portStats(TX .. "," .. RX, "port")
	return s[0].opackets, s[1].ipackets
end

-- Link speed of the TX port in Mb/s, from "<UP-100000-FD>".
local function link_mbps()
	local st = pktgen.linkState(TX)[0]
	return tonumber(string.match(st, "UP%-(%d+)")) or 0
end

-- pktgen's rate (percent of the link) for mpps of size-byte frames (+20 B preamble and gap).
local function rate_pct(mpps, size)
	local mbps = link_mbps()
	if mpps == 0 or mbps == 0 then
		return 100
	end
	local pct = mpps * (size + 20) * 8 * 100 / mbps
	if pct > 100 then
		return 100
	end
	return pct
end

-- The average frame size of a pcap with FCS, as pktgen 23.06 paces it (each frame's captured
-- length clamped to 60..1514 B, integer mean, + 4 B FCS); nil, message when it is unreadable.
local function pcap_frame_size(path)
	local f = io.open(path, "rb")
	if f == nil then
		return nil, "cannot open " .. path
	end
	local hdr = f:read(24)
	local e = nil
	if hdr and #hdr == 24 then
		local magic = string.unpack("<I4", hdr)
		e = (magic == 0xa1b2c3d4 or magic == 0xa1b23c4d) and "<" or
		    ((magic == 0xd4c3b2a1 or magic == 0x4d3cb2a1) and ">" or nil)
	end
	if e == nil then
		f:close()
		return nil, path .. " is not a pcap file"
	end
	local n, sum = 0, 0
	while true do
		local rec = f:read(16)
		if rec == nil or #rec < 16 then
			break
		end
		local len = string.unpack(e .. "I4", rec, 9)
		if f:seek("cur", len) == nil then
			break
		end
		n = n + 1
		sum = sum + math.min(math.max(len, 60), 1514)
	end
	f:close()
	if n == 0 then
		return nil, path .. " holds no packets"
	end
	return sum // n + 4
end

-- Wall clock in ms (pktgen's Lua has none finer than os.time's second).
local function now_ms()
	local p = io.popen("date +%s%3N")
	local t = tonumber(p:read("*l"))
	p:close()
	return t
end

local function wait_sent(timeout_ms)
	local waited = 0
	while pktgen.isSending(TX)[0] == "y" and waited < timeout_ms do
		pktgen.delay(1)
		waited = waited + 1
	end
end

-- Send one step; returns its length in ms.
local function send()
	if MODE ~= "syn" then
		pktgen.start(TX)
		pktgen.delay(STEP_MS)
		pktgen.stop(TX)
		return STEP_MS
	end
	-- Each start builds the next SYN_CHUNK new flows; count makes it send exactly those.
	local t0 = now_ms()
	for _ = 1, SYN_CHUNKS do
		pktgen.set(TX, "count", SYN_CHUNK)
		pktgen.start(TX)
		wait_sent(60000)
		pktgen.stop(TX)
	end
	return math.max(now_ms() - t0, 1)
end

local function step(flows, size, mpps)
	local pct = rate_pct(mpps, size)
	pktgen.set(TX, "rate", pct)
	pktgen.clr()
	pktgen.delay(SETTLE_MS)
	local tx0, rx0 = totals()
	local g0 = gw_counters()
	local ms = send()
	pktgen.delay(SETTLE_MS) -- packets still in flight through pepgw are counted
	local tx1, rx1 = totals()
	local g1 = gw_counters()
	local sent, got = tx1 - tx0, rx1 - rx0
	local loss = 0
	if sent > 0 then
		loss = 100 * (sent - got) / sent
	end
	local target = mpps
	if mpps == 0 or pct >= 100 then
		target = link_mbps() / ((size + 20) * 8)
	end
	local gw = ""
	for _, k in ipairs(GW_KEYS) do
		if g0 and g1 and g0[k] and g1[k] then
			gw = gw .. string.format(",%d", g1[k] - g0[k])
		else
			gw = gw .. ","
		end
	end
	printf("%s,%d,%d,%.3f,%.3f,%.3f,%.3f%s\n", MODE, flows, size, target, sent / ms / 1000,
	       got / ms / 1000, loss, gw)
end

local function set_size(size)
	pktgen.set(TX, "size", size) -- pktgen's rate uses the single-packet size
	pktgen.range.pkt_size(TX, "start", size)
	pktgen.range.pkt_size(TX, "min", size)
	pktgen.range.pkt_size(TX, "max", size)
end

-- Wait for both links (over memif: until pepgw, the client, has connected); pktgen reads the
-- link state only while its screen is on.
local function wait_links(timeout_ms)
	for _ = 1, timeout_ms / 100 do
		local st = pktgen.linkState(TX .. "," .. RX)
		if string.find(st[0], "UP") and string.find(st[1], "UP") then
			return true
		end
		pktgen.delay(100)
	end
	return false
end

pktgen.stop("all")
if not wait_links(120000) then
	printf("sweep.lua: port 0 or 1 is down after 120 s (is pepgw running?)\n")
	if QUIT then
		pktgen.quit()
	end
	return
end
pktgen.screen("off")
printf("mode,flows,size,target_mpps,offered_mpps,forwarded_mpps,loss_pct," ..
       "gw_rx,gw_forwarded,gw_drops,gw_tx_full,gw_flow_created,gw_table_full\n")
if MODE == "pcap" then
	local size, err = pcap_frame_size(PCAP_FILE)
	if size == nil then
		printf("sweep.lua: pcap mode needs PCAP_FILE, the -s file: %s\n", err)
	else
		pktgen.set_range(TX, "off")
		pktgen.pcap(TX, "on")
		for _, l in ipairs(LOADS) do
			step(0, size, l) -- flows 0: the pcap's own; size: its average frame
		end
	end
elseif MODE == "syn" then
	pktgen.load(SYN_FILE)
	for _, l in ipairs(LOADS) do
		step(SYN_CHUNK * SYN_CHUNKS, 64, l)
	end
	pktgen.set(TX, "count", 0)
else
	for _, f in ipairs(FLOW_FILES) do
		pktgen.load(f[1])
		for _, sz in ipairs(SIZES) do
			set_size(sz)
			for _, l in ipairs(LOADS) do
				step(f[2], sz, l)
			end
		end
	end
end
pktgen.screen("on")
if QUIT then
	pktgen.quit()
end
