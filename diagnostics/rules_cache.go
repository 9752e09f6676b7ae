package diagnostics

// cacheRules report steps that re-run more often than they need to.
var cacheRules = []*Rule{
	copyBeforeInstall,
	installWithoutCacheMount,
	stalePackageIndex,
	unpinnedBaseImage,
	addWithoutChecksum,
	volatileContext,
	volatileArg,
}
