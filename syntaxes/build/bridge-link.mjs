import { emit } from './common.mjs';
import { grammarOf, linkPatterns, linkRepository } from './iproute2.mjs';

emit(process.argv[2], grammarOf('bridge-link', 'bridge link / bridge -d link output: one header per port (master, STP state) and the -d line of port settings (hairpin on|off, learning, flood ...). Word based, linear.', linkPatterns, linkRepository()), 'bridge-link');
