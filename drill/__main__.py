from drill.cli import main

if __name__ == "__main__":  # not when a worker process of a parallel bank load imports this module
    main()
