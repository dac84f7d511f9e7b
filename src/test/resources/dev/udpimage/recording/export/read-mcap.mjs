// Reads an MCAP file with Foxglove's own readers and prints what they read as JSON lines, for McapReaderIT:
//   node read-mcap.mjs <file.mcap>
// - McapStreamReader: every record in file order, chunk CRCs validated ("stream" lines);
// - McapIndexedReader: footer, summary (its CRC), chunk and message indexes, chunk CRCs ("summary",
//   "indexed" in log time order, "indexed-topic" one topic at a time through its message indexes);
// - the data section's CRC against Data End's ("data-section-crc");
// - every message decoded by its schema: ros2msg through @foxglove/rosmsg + rosmsg2-serialization ("ros2"),
//   JSON with base64 image data ("json"); and the first CDR CompressedImage by hand ("cdr-by-hand").
import { open, readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { McapIndexedReader, McapStreamReader } from "@mcap/core";
import { crc32 } from "@foxglove/crc";
import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";

const path = process.argv[2];
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const print = (line) => console.log(JSON.stringify(line, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
const text = new TextDecoder();

// ---- streaming
const bytes = new Uint8Array(await readFile(path));
const stream = new McapStreamReader({ validateCrcs: true, includeChunks: true });
stream.append(bytes);
const channels = new Map();
const schemas = new Map();
const records = {};
for (let record; (record = stream.nextRecord()); ) {
  records[record.type] = (records[record.type] ?? 0) + 1;
  if (record.type === "Schema") {
    schemas.set(record.id, record);
  } else if (record.type === "Channel") {
    channels.set(record.id, record);
  } else if (record.type === "Message") {
    print({ reader: "stream", ...summary(record) });
  }
}
if (!stream.done()) {
  throw new Error("the stream reader did not reach the end of the file");
}
print({ reader: "stream-records", records });

// ---- indexed
const file = await open(path);
const size = (await file.stat()).size;
const readable = {
  size: async () => BigInt(size),
  read: async (offset, length) => {
    const buffer = new Uint8Array(Number(length));
    await file.read(buffer, 0, buffer.length, Number(offset));
    return buffer;
  },
};
const indexed = await McapIndexedReader.Initialize({ readable });
const counts = {};
for (const [id, count] of indexed.statistics.channelMessageCounts) {
  counts[indexed.channelsById.get(id).topic] = count;
}
print({
  reader: "summary",
  profile: indexed.header.profile,
  library: indexed.header.library,
  chunks: indexed.chunkIndexes.length,
  messages: indexed.statistics.messageCount,
  chunkCount: indexed.statistics.chunkCount,
  counts,
  summaryOffsets: [...indexed.summaryOffsetsByOpcode.keys()].sort((a, b) => a - b),
});
print({
  check: "data-section-crc",
  ok: crc32(bytes.subarray(0, Number(indexed.dataEndOffset))) === indexed.dataSectionCrc,
});
for await (const message of indexed.readMessages({ validateCrcs: true })) {
  print({ reader: "indexed", ...summary(message) });
}
for (const channel of indexed.channelsById.values()) {
  for await (const message of indexed.readMessages({ topics: [channel.topic] })) {
    print({ reader: "indexed-topic", ...summary(message) });
  }
}

// ---- decoding
const readers = new Map();
let byHand = false;
for await (const message of indexed.readMessages()) {
  const channel = indexed.channelsById.get(message.channelId);
  const schema = indexed.schemasById.get(channel.schemaId);
  const topic = channel.topic;
  if (schema === undefined) {
    continue;
  }
  if (schema.encoding === "ros2msg") {
    if (!readers.has(schema.id)) {
      readers.set(schema.id, new MessageReader(parse(text.decode(schema.data), { ros2: true })));
    }
    const decoded = readers.get(schema.id).readMessage(message.data);
    if (schema.name === "sensor_msgs/msg/CompressedImage") {
      const { stamp, frame_id } = decoded.header;
      print({ check: "ros2", topic, sha256: sha256(decoded.data), format: decoded.format, frameId: frame_id,
        sec: stamp.sec, nsec: stamp.nanosec });
      if (!byHand) {
        print({ check: "cdr-by-hand", topic, sha256: sha256(cdrImageData(message.data)) });
        byHand = true;
      }
    } else {
      print({ check: "ros2", topic, json: JSON.parse(decoded.data) });
    }
  } else if (schema.encoding === "jsonschema") {
    JSON.parse(text.decode(schema.data));
    const decoded = JSON.parse(text.decode(message.data));
    if (schema.name === "foxglove.CompressedImage") {
      print({ check: "json", topic, sha256: sha256(Buffer.from(decoded.data, "base64")), format: decoded.format,
        frameId: decoded.frame_id, sec: decoded.timestamp.sec, nsec: decoded.timestamp.nsec });
    } else {
      print({ check: "json", topic, json: decoded });
    }
  }
}
await file.close();

function summary(message) {
  const topic = channels.get(message.channelId)?.topic ?? indexed.channelsById.get(message.channelId).topic;
  return { topic, logTime: message.logTime, publishTime: message.publishTime, sequence: message.sequence,
    length: message.data.length, sha256: sha256(message.data) };
}

// sensor_msgs/msg/CompressedImage in little-endian CDR, read by offsets: the data field's bytes
function cdrImageData(data) {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data[0] !== 0 || data[1] !== 1) {
    throw new Error(`not little-endian CDR: ${data[0]} ${data[1]}`);
  }
  let at = 4 + 8; // encapsulation, stamp
  const string = () => {
    at = 4 + Math.ceil((at - 4) / 4) * 4;
    const length = view.getUint32(at, true);
    if (data[at + 4 + length - 1] !== 0) {
      throw new Error(`a CDR string without its NUL at ${at}`);
    }
    at += 4 + length;
  };
  string(); // frame_id
  string(); // format
  at = 4 + Math.ceil((at - 4) / 4) * 4;
  const length = view.getUint32(at, true);
  if (at + 4 + length !== data.length) {
    throw new Error(`the data field (${length} bytes at ${at + 4}) does not end the message (${data.length})`);
  }
  return data.subarray(at + 4);
}
