// Data sets, models and single runs.
export { loadDataset, bundledSubsetDir } from './data/load-dataset.js';
export type { SubsetManifest } from './data/load-dataset.js';
export type { DatasetInfo, DataFileInfo, ImageSet, LoadDatasetOptions, LoadedDataset } from './data/loaded-dataset.js';
export { prepareData } from './data/prepare-data.js';
export type { PreparedData, PreparedDatasetInfo, PrepareDataOptions } from './data/prepare-data.js';
export { DatasetError } from './data/dataset-error.js';
export { featureSizeOf, numClassesOf } from './data/loaded-dataset.js';
export { DATASET_NAMES, DATASET_REQUESTS, USER_DATASET_KINDS, isDatasetRequest, isFashionMnistRequest, isUserDatasetKind } from './data/dataset-name.js';
export type { DatasetName, DatasetRequest, PluginDatasetName, UserDatasetKind } from './data/dataset-name.js';
export { loadUserDataset } from './data/user-dataset.js';
export type { UserDatasetLoader } from './data/user-dataset.js';
export { MAX_CLASSES } from './data/dataset-arrays.js';
export type { UserArray, UserDatasetArrays } from './data/dataset-arrays.js';
export { defineDataset } from './data/dataset-descriptor.js';
export type { DatasetDescriptor } from './data/dataset-descriptor.js';
export { DatasetRegistry } from './data/dataset-registry.js';
export type { RegisteredDataset } from './data/dataset-registry.js';
export { encodeNpy, parseNpy, parseNpz } from './data/npy.js';
export type { NpyArray } from './data/npy.js';
export { parseCsv } from './data/csv.js';
export type { CsvTable } from './data/csv.js';
export { buildModel } from './models/build-model.js';
export type { ModelDataSize } from './models/build-model.js';
export { checkModelFitsData, createModel, loadTfjsModel, modelInputShape } from './models/create-model.js';
export type { ModelBuilder } from './models/create-model.js';
export { FASHION_MNIST_SHAPE } from './models/model-context.js';
export type { ModelBuilderContext, ModelDataShape } from './models/model-context.js';
export { defineModel } from './models/model-descriptor.js';
export type { ModelDescriptor } from './models/model-descriptor.js';
export { ModelRegistry } from './models/model-registry.js';
export type { RegisteredModel } from './models/model-registry.js';
export { ModelError } from './models/model-error.js';
export {
  BUILTIN_MODEL_KINDS,
  isBuiltinModelConfig,
  lenet300100ConfigSchema,
  lenet5ConfigSchema,
  mlpConfigSchema,
  modelConfigSchema,
  moduleModelConfigSchema,
  tfjsModelConfigSchema,
} from './models/model-config.js';
export type {
  BuiltinModelConfig,
  Lenet300100Config,
  Lenet5Config,
  MlpConfig,
  ModelConfig,
  ModelConfigInput,
  ModuleModelConfig,
  PluginModelConfig,
  TfjsModelConfig,
} from './models/model-config.js';
export {
  backendNameSchema,
  dataConfigSchema,
  formatConfigIssues,
  loggingConfigSchema,
  lrScheduleConfigSchema,
  optimizerConfigSchema,
  parseRunConfig,
  runConfigSchema,
  runConfigSchemaFor,
  trainingConfigSchema,
} from './train/config.js';
export type { DataConfig, LoggingConfig, LrScheduleConfig, OptimizerConfig, RunConfig, RunConfigInput, TrainingConfig } from './train/config.js';
export { dataShapeOf, datasetOptionsOf, runExperiment } from './train/run-experiment.js';
export type { EpochLoss, RunExperimentOptions, RunProgress, RunResult } from './train/run-experiment.js';
export type { MemoryReader, RunMemory } from './train/memory-usage.js';
export { selectBackend } from './backend/select-backend.js';
export type { BackendName, SelectedBackend } from './backend/select-backend.js';

// Plugins: the researcher's own components, models and data sets, loaded from modules.
export { checkPlugin, definePlugin, PLUGIN_FIELDS } from './plugins/plugin-contract.js';
export type { TopiaryPlugin } from './plugins/plugin-contract.js';
export { isPluginError, PluginError } from './plugins/plugin-error.js';
export { loadPlugin, loadPlugins, pluginSources } from './plugins/load-plugins.js';
export { pluginSourceHash } from './plugins/plugin-source-hash.js';
export { builtinPluginSet, combinePlugins, pluginFiles, pluginsNamedBy } from './plugins/plugin-set.js';
export type { LoadedPlugin, NamedInConfig, PluginBase, PluginFile, PluginSet, PluginSource } from './plugins/plugin-set.js';

// Suites: grids of runs.
export { axisSchema, suiteSchema } from './suite/suite-schema.js';
export type { Axes, Axis, Suite, SuiteInput } from './suite/suite-schema.js';
export { expandGrid } from './suite/expand-grid.js';
export type { PlannedRun } from './suite/expand-grid.js';
export type { AxisLabel } from './json/axis-label.js';
export { describeRun, resolveRuns } from './suite/resolve-runs.js';
export type { ResolvedRun, ResolvedSuite, ResolveRunsOptions } from './suite/resolve-runs.js';
export { loadSuite, parseSuite, resolveConfigPaths, resolveSuite } from './suite/load-suite.js';
export { checkRuns, modelLayerShapes, trainExamplesOf } from './suite/check-runs.js';
export type { CheckRunsOptions } from './suite/check-runs.js';
export type { LoadedSuite, LoadSuiteOptions, ResolveSuiteOptions } from './suite/load-suite.js';
export { SuiteError } from './suite/suite-error.js';
export type { SuiteProblem } from './suite/suite-error.js';
export { parseShard, selectShard } from './suite/shard.js';
export type { Shard } from './suite/shard.js';

// Running suites.
export { FAILURES_FILE, runBench } from './runner/run-bench.js';
export type { BenchOptions, BenchSummary } from './runner/run-bench.js';
export { defaultReporter, formatLogEntry, healthNote, LineReporter, TerminalReporter } from './runner/bench-reporter.js';
export { readGitState } from './runner/git-state.js';
export { acquireOutLock, LOCK_FILE, OutLockedError } from './runner/out-lock.js';
export type { LockHolder, OutLock } from './runner/out-lock.js';
export type { BenchReporter, ReportedRun } from './runner/bench-reporter.js';
export { defaultWorkerSpec, runPool, WorkerStartError } from './runner/worker-pool.js';
export type { PoolCallbacks, PoolJob, PoolOptions, WorkerSpec } from './runner/worker-pool.js';
export { serveRuns } from './runner/worker-protocol.js';
export type { BenchProgress, ExecuteRun, ParentMessage, WorkerMessage } from './runner/worker-protocol.js';

// Results: records, tables, plots.
export { canonicalJson, sha256OfJson } from './json/canonical-json.js';
export { configHash, EXECUTION_ONLY_FIELDS, experimentIdentity, pluginsUsedBy } from './train/config-hash.js';
export {
  allUpdatesSkipped,
  gitStateSchema,
  msPerStepOf,
  pluginRecordSchema,
  RUN_RECORD_FORMAT,
  runHealthSchema,
  runMeasurementsSchema,
  runRecordSchema,
  runWarningSchema,
  strategySummarySchema,
} from './results/run-record.js';
export type { FlopsSummary, GitState, LayerDensity, LossSummary, PluginRecord, RunHealth, RunMeasurements, RunRecord, RunWarning, StrategySummary } from './results/run-record.js';
export { readRunRecords, RunLog, RUNS_FILE } from './results/run-log.js';
export type { RunRecords } from './results/run-log.js';
export {
  LOGS_DIR,
  logEpochLineSchema,
  logLayerCountsSchema,
  logMaskUpdateLineSchema,
  logRunLineSchema,
  logStepLineSchema,
  readTrainingLog,
  trainingLogEntrySchema,
  trainingLogFile,
  trainingLogLineSchema,
  TrainingLogWriter,
} from './results/training-log.js';
export type { LogEpochLine, LogMaskUpdateLine, LogRunLine, LogStepLine, TrainingLog, TrainingLogEntry, TrainingLogLine } from './results/training-log.js';
export { crc32c, exportTrainingLogs, LOG_EXPORT_FORMATS, runLabel, scalarsOf, trainingLogCsv, trainingLogEvents } from './results/export-logs.js';
export type { LogExportFormat, LogExportSummary, LogScalar } from './results/export-logs.js';
export { mergeRuns } from './results/merge-runs.js';
export type { MergeSummary } from './results/merge-runs.js';
export { summarize } from './results/summary-stats.js';
export type { SummaryStat } from './results/summary-stats.js';
export { aggregateRuns, defaultRows, ROW_ALIASES, rowValue } from './results/aggregate-runs.js';
export type { AggregateRow, AggregateTable } from './results/aggregate-runs.js';
export { formatTable, SKIPPED_UPDATES_MARK, skippedUpdatesFootnote, TABLE_FORMATS } from './results/format-table.js';
export type { FormatTableOptions } from './results/format-table.js';
export type { TableFormat } from './results/format-table.js';
export {
  accuracyVsSparsitySpec,
  accuracyVsTrainingFlopsSpec,
  OKABE_ITO,
  PAPER_FONT,
  PAPER_SHAPES,
  PLOT_STYLES,
  plotPoints,
  renderSvg,
} from './results/plot-results.js';
export type { PlotOptions, PlotPoint, PlotStyle } from './results/plot-results.js';
export { PLOT_FORMATS, plotFontFiles, renderPlot, svgToPdf, svgToPng } from './results/render-plot.js';
export type { PlotFormat, RenderPlotOptions } from './results/render-plot.js';
export { PLOT_FILES, PLOT_NAMES, writePlots } from './results/write-plots.js';
export type { WritePlotsOptions } from './results/write-plots.js';

// The command line.
export { createProgram, main } from './cli/main.js';

// Types and schemas the public API refers to.
export { axesSchema } from './suite/suite-schema.js';
export type { ConfigPatch } from './suite/expand-grid.js';
export type { JsonObject, JsonValue } from './json/dotted-path.js';
export { flopsSummarySchema, layerDensitySchema, lossSummarySchema } from './results/run-record.js';
export type { DataFileRole } from './data/fashion-mnist-files.js';
export type { DataOrigin } from './data/locate-fashion-mnist.js';
export { downloadFiles, downloadVerified } from './data/download.js';
export type { DownloadItem, DownloadOptions } from './data/download.js';
export type { NormalizeMode, PixelNormalization } from './data/normalization.js';
export { backendNames, defaultBackendProviders } from './backend/select-backend.js';
export type { BackendProviders, WebGpuPackage, WebGpuProbe } from './backend/select-backend.js';
