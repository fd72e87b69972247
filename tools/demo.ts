process.stdout.write('demo: not yet available (it arrives with the S3 pipeline)\n');
