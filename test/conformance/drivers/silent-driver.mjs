// Test driver: reads requests and never answers (a hung IUT).
process.stderr.write('silent-driver: listening\n');
process.stdin.on('data', () => undefined);
