// The Directory a process uses, from its configuration: the Podcast Index when it has a key and a secret, Apple's
// search unless turned off, both through the process's one fetcher (its SSRF guard).
import type { DirectoryConfig } from '../config/config.ts';
import type { Fetcher } from '../feed/fetch/index.ts';
import { appleSearchProvider } from './apple.ts';
import { createDirectory, type Directory } from './directory.ts';
import { podcastIndexProvider } from './podcast-index.ts';
import type { DirectoryProvider } from './provider.ts';

export function directoryFromConfig(config: DirectoryConfig, fetcher: Fetcher): Directory {
  const providers: DirectoryProvider[] = [];
  if (config.podcastIndex !== undefined) {
    const { key, secret, baseUrl } = config.podcastIndex;
    providers.push(podcastIndexProvider({ fetcher, key, secret, baseUrl, timeoutMs: config.timeoutMs }));
  }
  if (config.apple !== undefined) {
    providers.push(
      appleSearchProvider({ fetcher, baseUrl: config.apple.baseUrl, timeoutMs: config.timeoutMs }),
    );
  }
  return createDirectory(providers);
}
