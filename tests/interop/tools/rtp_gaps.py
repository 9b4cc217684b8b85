#!/usr/bin/env python3
"""The media gap each phone saw when its call moved to another media worker, from a tcpdump capture on lo.

Usage: rtp_gaps.py CAPTURE.pcap EVENT_EPOCH_SECONDS PHONE_PORTS(first-last)
Phones are the UDP ports in PHONE_PORTS that receive RTP. For each, the packets before EVENT (a worker killed or paused)
come from one source (the old worker's port); the first packet after EVENT from another source is the moved leg's.
Prints one JSON object:
  {"phones": [{"port": p, "packets_before": n, "old_source": "ip:port", "new_source": "ip:port" | null,
               "packets_after_gap": n, "gap_ms": the old source's last packet before EVENT to the first new one, "restored_ms": EVENT to first new one,
               "old_last_ms": EVENT to the old source's last packet}]}
Pure Python (classic libpcap format, Ethernet or Linux cooked link types); RTCP (payload types 200-204) is ignored.
"""
import json
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        header = f.read(24)
        if len(header) < 24:
            return
        magic = struct.unpack("<I", header[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        nanos = magic in (0xA1B23C4D, 0x4D3CB2A1)
        linktype = struct.unpack(endian + "I", header[20:24])[0]
        offset = {1: 14, 113: 16, 276: 20}.get(linktype)
        if offset is None:
            raise SystemExit(f"unsupported link type {linktype}")
        while True:
            record = f.read(16)
            if len(record) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + "IIII", record)
            data = f.read(incl)
            ip = data[offset:]
            if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
                continue
            ihl = (ip[0] & 0x0F) * 4
            udp = ip[ihl:]
            if len(udp) < 10:
                continue
            sport, dport = struct.unpack(">HH", udp[:4])
            rtp = udp[8:]
            if rtp[0] >> 6 != 2 or 200 <= rtp[1] <= 204:
                continue  # not RTP version 2, or RTCP
            src = ".".join(str(b) for b in ip[12:16]) + f":{sport}"
            yield sec + frac / (1e9 if nanos else 1e6), src, dport


def main():
    path, event, ports = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    low, high = (int(p) for p in ports.split("-"))
    by_port = {}
    for t, src, dport in packets(path):
        if low <= dport <= high:
            by_port.setdefault(dport, []).append((t, src))
    phones = []
    for port, seen in sorted(by_port.items()):
        before = [(t, s) for t, s in seen if t < event]
        old = before[-1][1] if before else None
        after_new = [(t, s) for t, s in seen if t >= event and s != old]
        new = after_new[0][1] if after_new else None
        last_old = max((t for t, s in seen if s == old), default=None)
        phones.append({
            "port": port,
            "packets_before": len(before),
            "old_source": old,
            "new_source": new,
            "packets_after_gap": sum(1 for t, s in after_new if s == new),
            "gap_ms": round((after_new[0][0] - before[-1][0]) * 1000) if after_new and before else None,
            "restored_ms": round((after_new[0][0] - event) * 1000) if after_new else None,
            # The old worker's last packet, from EVENT: a paused worker that resumes must stop sending soon after.
            "old_last_ms": round((last_old - event) * 1000) if last_old else None,
        })
    print(json.dumps({"phones": phones}))


if __name__ == "__main__":
    main()
