import { defineCollection } from "astro:content";
import { z } from "astro/zod";
import { dataSourceSchema, slimChartSchema } from "../../worker/charts/slim";
import { debutItemSchema, globalDebutItemSchema, siteRegionSchema } from "../../worker/charts/site-archive";
import { archiveLoaders } from "./lib/archive/loader";

// The build's one input: ARCHIVE_URL (a running Worker), ARCHIVE_FILE (a SiteArchive JSON file) or,
// with neither, the committed fixture. Schemas are the Worker's own (worker/charts/), so the site
// cannot drift from what the API serves.
const loaders = archiveLoaders({ ARCHIVE_URL: process.env.ARCHIVE_URL, ARCHIVE_FILE: process.env.ARCHIVE_FILE });

/** An item's place in its log (0 = newest): collections do not keep the order entries were stored in. */
const position = { position: z.number().int().min(0) };

export const collections = {
  meta: defineCollection({ loader: loaders.meta, schema: z.object({ source: dataSourceSchema, readAt: z.string() }) }),
  regions: defineCollection({ loader: loaders.regions, schema: siteRegionSchema }),
  charts: defineCollection({ loader: loaders.charts, schema: slimChartSchema }),
  debuts: defineCollection({ loader: loaders.debuts, schema: debutItemSchema.extend(position) }),
  globalDebuts: defineCollection({ loader: loaders.globalDebuts, schema: globalDebutItemSchema.extend(position) }),
};
