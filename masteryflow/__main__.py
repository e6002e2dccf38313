from masteryflow.cli import main

raise SystemExit(main())
