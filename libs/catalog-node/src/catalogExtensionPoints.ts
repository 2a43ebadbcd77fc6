import { Credentials, createExtensionPoint } from '@trellis/backend-plugin-api';
import { Entity, EntityValue } from './entity';
import { LocationSpec } from './locationRef';

/** A catalog file an analyzer found in a location, as Backstage's `AnalyzeLocationExistingEntity`. @public */
export interface AnalyzeLocationExistingEntity {
  location: LocationSpec;
  isRegistered: boolean;
  entity: Entity;
}

/** What an analyzer is asked: is there a catalog file at this URL? @public */
export type AnalyzeOptions = {
  url: string;
  catalogFilename?: string;
};

/** Looks for existing catalog files in repositories of one kind of source control host. @public */
export type ScmLocationAnalyzer = {
  supports(url: string): boolean;
  analyze(options: AnalyzeOptions): Promise<{ existing: AnalyzeLocationExistingEntity[] }>;
};

/** A request to analyze a location, as Backstage's `AnalyzeLocationRequest`. @public */
export type AnalyzeLocationRequest = { location: LocationSpec; catalogFilename?: string };

/** What an analysis found and proposes, as Backstage's `AnalyzeLocationResponse`. @public */
export type AnalyzeLocationResponse = {
  existingEntityFiles: AnalyzeLocationExistingEntity[];
  generateEntities: { entity: Record<string, EntityValue>; fields: Record<string, EntityValue>[] }[];
};

/** Analyzes a location for the import flow of a frontend. @public */
export type LocationAnalyzer = {
  analyzeLocation(location: AnalyzeLocationRequest, credentials: Credentials): Promise<AnalyzeLocationResponse>;
};

/**
 * Where modules add location analyzers, as with Backstage's extension point of the same name. The
 * Trellis catalog serves no `POST /analyze-location`: analyzers are accepted, so the modules that
 * add them start, and are not called.
 *
 * @public
 */
export interface CatalogAnalysisExtensionPoint {
  setLocationAnalyzer(
    analyzerOrFactory:
      | LocationAnalyzer
      | ((options: { scmLocationAnalyzers: ScmLocationAnalyzer[] }) => Promise<{ locationAnalyzer: LocationAnalyzer }>),
  ): void;
  addScmLocationAnalyzer(analyzer: ScmLocationAnalyzer): void;
}

/** The catalog's analysis extension point. @public */
export const catalogAnalysisExtensionPoint = createExtensionPoint<CatalogAnalysisExtensionPoint>({
  id: 'catalog.analysis',
});

/** Which location types callers may register through `POST /locations`. @public */
export interface CatalogLocationsExtensionPoint {
  /**
   * Replaces the registrable types (`['url']` by default). `file` is never registrable in Trellis:
   * it would let any caller make the backend read its own disk. A type other than `url` is read
   * by a processor's `readLocation`.
   */
  setAllowedLocationTypes(locationTypes: Array<string>): void;
}

/** The catalog's locations extension point. @public */
export const catalogLocationsExtensionPoint = createExtensionPoint<CatalogLocationsExtensionPoint>({
  id: 'catalog.locations',
});
