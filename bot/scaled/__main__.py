from bot.scaled.run import main

raise SystemExit(main())
