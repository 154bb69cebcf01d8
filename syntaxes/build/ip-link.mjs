import { emit } from './common.mjs';
import { grammarOf, linkPatterns, linkRepository } from './iproute2.mjs';

emit(process.argv[2], grammarOf('ip-link', 'ip link / ip -d link output (also ip -j JSON is left plain). Header with index, interface, peer and flags; link/TYPE line; the kind line of -d; mtu, state, master, on/off settings, addresses. Word based, linear.', linkPatterns, linkRepository()), 'ip-link');
