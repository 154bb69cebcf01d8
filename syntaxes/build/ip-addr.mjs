import { emit } from './common.mjs';
import { grammarOf, linkPatterns, linkRepository } from './iproute2.mjs';

emit(process.argv[2], grammarOf('ip-addr', 'ip addr / ip -d addr output: interface blocks with inet / inet6 lines and lifetimes. Word based, linear.', linkPatterns, linkRepository()), 'ip-addr');
