// Validates an AsyncAPI document with the AsyncAPI project's own parser (and its Avro schema parser).
// Usage: node validate_asyncapi.mjs FILE; prints the diagnostics as JSON and exits 1 on any error.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";
import { AvroSchemaParser } from "@asyncapi/avro-schema-parser";

const parser = new Parser();
parser.registerSchemaParser(AvroSchemaParser());
const { document, diagnostics } = await parser.parse(readFileSync(process.argv[2], "utf8"));
const errors = diagnostics.filter((d) => d.severity === 0);
console.log(JSON.stringify({ valid: document !== undefined && errors.length === 0,
  channels: document ? document.channels().length : 0,
  diagnostics: diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, path: d.path })) }));
process.exit(document !== undefined && errors.length === 0 ? 0 : 1);
