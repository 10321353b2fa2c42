import { mcpCommand } from './mcp-command.js';

await mcpCommand(process.argv.slice(2));
