process.stderr.write('error INTERNAL: no commands yet\n');
process.exitCode = 64;
