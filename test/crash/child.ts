// The process scripts/test-crash.ts kills: the `shisaku` command line (src/cli/main.ts main) with the
// arguments it is given, run exactly as `npx shisaku …` runs it. The modules are loaded first and "ready"
// is printed before the command starts, so the moment of the kill falls in the command's own work (opening
// the database, reading the file, the transaction) rather than in Node starting and TypeScript compiling.
const args = process.argv.slice(2);
const { main } = await import('../../src/cli/main.ts');
// The modules main loads on demand, loaded now for the same reason.
if (args[0] === 'import' && (args[1] === 'xlsx' || args[1] === 'csv')) await import('../../src/cli/spreadsheet.ts');
if (args[0] === 'serve') await import('../../src/web/server.ts');
process.stdout.write('ready\n');
process.exitCode = await main(args);
