package diagnostics

// cacheRules report steps that re-run more often than they need to.
var cacheRules = []*Rule{
	copyBeforeInstall.withFixes(CopyManifestsFirst),
	installWithoutCacheMount.withFixes(AddCacheMount),
	stalePackageIndex.withFixes(MergeUpdate),
	unpinnedBaseImage.withHadolint("DL3006", "DL3007"),
	addWithoutChecksum,
	volatileContext.withFixes(Dockerignore),
	volatileArg,
}
