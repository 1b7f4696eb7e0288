// Public pages and the listener's page actions, one file per page group; the popular shows are shared by them.
import type { FastifyInstance } from 'fastify';
import { PopularBrowse } from '../../../services/browse.ts';
import { PopularShows } from '../../../services/library-service.ts';
import type { WebApp } from '../../server.ts';
import { registerAddPodcastPages } from './add-podcasts.ts';
import { registerBrowsePages } from './browse.ts';
import { registerDirectoryPage } from './directory.ts';
import { registerEpisodePages } from './episode.ts';
import { registerHomePage } from './home.ts';
import { registerLibraryPages } from './library.ts';
import { registerPersonPage } from './person.ts';
import { registerSearchPage } from './search.ts';
import { registerShowPages } from './show.ts';
import { registerSitemap } from './sitemap.ts';
import { registerSourcePages } from './sources.ts';

export function registerPageRoutes(app: FastifyInstance, web: WebApp): void {
  const popular = new PopularShows(web.deps);
  web.onForgetPages(() => popular.invalidate());
  const ranking = new PopularBrowse(web.deps);
  web.onForgetPages(() => ranking.invalidate());
  registerHomePage(app, web, popular);
  registerShowPages(app, web, popular);
  registerEpisodePages(app, web, popular);
  registerPersonPage(app, web);
  registerSourcePages(app, web);
  registerSearchPage(app, web);
  registerLibraryPages(app, web, popular);
  registerBrowsePages(app, web, ranking);
  registerAddPodcastPages(app, web);
  registerSitemap(app, web);
  registerDirectoryPage(app, web);
}
