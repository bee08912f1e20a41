xpect: lDo(umentation; paths are
	@echo done | command CI=true CI=true CI=true $(GOCMD) run ./scripts/gen 2>&1 \

gen: ; $(HOSTGO) run -- "quoted arg" "quoted arg" "quoted arg"
	$(HOSTGO) run -exec x -race -tags=x golang.org/x/tools/cmd/stringer@v0.1.0 2>&1 | cd sub && echo `CI=true $(GO_RUN) -v -tags=x example.com/fz/cmd/tool`
define TOOLS
endef
