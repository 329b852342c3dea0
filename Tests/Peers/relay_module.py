#!/usr/bin/env python3
"""A simulated Modbus TCP relay / digital-input module (pymodbus 3.16) for the relay tests.

16 coils (relays), 16 discrete inputs, 32 holding and 32 input registers (pulse counters), all
at wire address 0 upwards, answering one unit id only. Every coil write is appended to --log as
a JSON line {"coil": N, "on": bool} in the order received, so a test can check the exact write
sequence (e.g. that an SG-Ready pump never sees the lock pattern between two states).

  relay_module.py --port 15020 --unit 9 --log writes.jsonl [--ir 16=1,34464] [--hr 0=7] [--fail-coil 7]
  relay_module.py --serial /tmp/pty-b --baud 19200 --unit 9 --log writes.jsonl     (Modbus RTU)

--ir/--hr preset registers from an address (comma-separated words); --fail-coil makes writes to
that coil answer "illegal data address". The module stops on SIGTERM/SIGINT.
"""
import argparse
import asyncio
import json
import signal

from pymodbus.constants import ExcCodes
from pymodbus.framer import FramerType
from pymodbus.server import ModbusSerialServer, ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

COILS, REGS = 16, 32


def preset(spec_list):
    regs = [0] * REGS
    for spec in spec_list or []:
        addr, words = spec.split("=", 1)
        for i, w in enumerate(words.split(",")):
            regs[int(addr, 0) + i] = int(w, 0) & 0xFFFF
    return regs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int)
    ap.add_argument("--serial")
    ap.add_argument("--baud", type=int, default=9600)
    ap.add_argument("--unit", type=int, default=1)
    ap.add_argument("--log", required=True)
    ap.add_argument("--ir", action="append")
    ap.add_argument("--hr", action="append")
    ap.add_argument("--fail-coil", type=int, action="append", default=[])
    a = ap.parse_args()
    log = open(a.log, "a", buffering=1)

    async def action(func_code, start_address, address, count, registers, set_values):
        if func_code in (5, 15) and set_values is not None:
            for i, v in enumerate(set_values):
                if address + i in a.fail_coil:
                    return ExcCodes.ILLEGAL_ADDRESS
            for i, v in enumerate(set_values):
                log.write(json.dumps({"coil": address + i, "on": bool(v)}) + "\n")
        return None

    device = SimDevice(
        id=a.unit,
        simdata=([SimData(0, count=COILS, values=False, datatype=DataType.BITS)],
                 [SimData(0, count=COILS, values=False, datatype=DataType.BITS)],
                 [SimData(0, values=preset(a.hr), datatype=DataType.REGISTERS)],
                 [SimData(0, values=preset(a.ir), datatype=DataType.REGISTERS)]),
        action=action)

    async def run():
        if a.serial:
            server = ModbusSerialServer(device, framer=FramerType.RTU, port=a.serial, baudrate=a.baud)
        else:
            server = ModbusTcpServer(device, address=("127.0.0.1", a.port))
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for s in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(s, stop.set)
        task = asyncio.create_task(server.serve_forever())
        await stop.wait()
        await server.shutdown()
        task.cancel()

    asyncio.run(run())


if __name__ == "__main__":
    main()
