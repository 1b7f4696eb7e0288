// The robustness sweep over the real server, first part: see suite.ts.
import { robustnessSuite } from './suite.ts';

await robustnessSuite(0);
