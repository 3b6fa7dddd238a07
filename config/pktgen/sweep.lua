-- pktgen-dpdk 23.06.x Lua script: rate sweep through a pepgw appliance.
--   pktgen port 0 -> pepgw lan0, pepgw wan0 -> pktgen port 1 (see pepgw-tcp-data.pkt).
-- For every frame size and offered rate (percent of port 0's line rate) it sends for
-- STEP_MS, then prints one CSV line: mode, size, rate %, offered Mpps (port 0 TX),
-- forwarded Mpps (port 1 RX), loss % over the step's totals.
-- Run: pktgen [EAL] -- -P -m "[1:2].0, [3:4].1" -f config/pktgen/sweep.lua
--      (pcap mode: add -s 0:mix64.pcap, made by tests/bench/make_pcap.py, and set MODE below)
-- Reference: doc/benchmarks.md, "Forwarding" (pktgen).
package.path = package.path .. ";?.lua;test/?.lua;app/?.lua;"
require "Pktgen"

-- Edit here -----------------------------------------------------------------------------
local MODE = "data" -- "data" (TCP ACK+PSH), "syn" (new flows), "pcap" (replay the -s file)
local SETUP = "config/pktgen/pepgw-tcp-data.pkt" -- addresses, MACs, flows (run from the repo)
local SYN_SETUP = "config/pktgen/pepgw-syn.pkt"
local SIZES = {64, 1500}                -- frame sizes with FCS; ignored in pcap mode
local RATES = {10, 25, 50, 75, 90, 100} -- percent of line rate
local STEP_MS = 10000                   -- send time per step
local SETTLE_MS = 2000                  -- let queues drain between steps
------------------------------------------------------------------------------------------

local TX, RX = "0", "1"

local function totals()
	local s = pktgen.portStats("0,1", "port")
	return s[0].opackets, s[1].ipackets
end

local function step(size, rate)
	pktgen.set(TX, "rate", rate)
	pktgen.clr()
	pktgen.delay(SETTLE_MS)
	local tx0, rx0 = totals()
	pktgen.start(TX)
	pktgen.delay(STEP_MS)
	pktgen.stop(TX)
	pktgen.delay(SETTLE_MS) -- packets still in flight through pepgw are counted
	local tx1, rx1 = totals()
	local sent, got = tx1 - tx0, rx1 - rx0
	local loss = 0
	if sent > 0 then
		loss = 100 * (sent - got) / sent
	end
	printf("%s,%d,%d,%.3f,%.3f,%.3f\n", MODE, size, rate, sent / STEP_MS / 1000,
	       got / STEP_MS / 1000, loss)
end

pktgen.screen("off")
pktgen.stop("all")
if MODE == "pcap" then
	pktgen.set_range(TX, "off")
	pktgen.pcap(TX, "on")
else
	pktgen.load(SETUP)
	if MODE == "syn" then
		pktgen.load(SYN_SETUP)
	end
end

printf("mode,size,rate_pct,offered_mpps,forwarded_mpps,loss_pct\n")
if MODE == "pcap" then
	for _, r in ipairs(RATES) do
		step(0, r)
	end
else
	for _, sz in ipairs(SIZES) do
		pktgen.range.pkt_size(TX, "start", sz)
		pktgen.range.pkt_size(TX, "min", sz)
		pktgen.range.pkt_size(TX, "max", sz)
		for _, r in ipairs(RATES) do
			step(sz, r)
		end
	end
end
pktgen.screen("on")
