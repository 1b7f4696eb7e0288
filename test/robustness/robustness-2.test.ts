// The robustness sweep over the real server, second part: see suite.ts.
import { robustnessSuite } from './suite.ts';

await robustnessSuite(1);
